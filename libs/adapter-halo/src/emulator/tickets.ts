import { nextNumber, requestBody, type EmulatorContext } from '@itsm-hub/core/emulator';
import {
  AGENTS_PATH,
  AGENTS_READ_SCOPES,
  CORRELATION_FIELD,
  CORRELATION_FILTER,
  LAST_UPDATE_FIELD,
  LAST_UPDATE_FILTER,
  ORDERING,
  PAGING,
  TICKET_REQUIRED_ON_CREATE,
  TICKETS_PATH,
  TICKETS_READ_SCOPES,
  TICKETS_WRITE_SCOPES,
  UNASSIGNED_AGENT_ID,
  WEBHOOK_EVENTS,
} from '../client/assumptions';
import { ticketSchema, type HaloTicket } from '../client/types';
import { haloTimeMs } from '../client/time';
import type { HaloEmulator } from './HaloEmulator';
import { intParams, queryText, sendInvalidParams, sendProblem, sendRefusal } from './http';

/** Default page size of a paged listing when `page_size` is left out. */
const DEFAULT_PAGE_SIZE = 50;
/** Ticket keys an upsert may set; Halo ignores others the hub never sends, so the emulator does too. */
const WRITABLE = ['summary', 'details', 'status_id', 'priority_id', 'agent_id', 'client_id', 'tickettype_id', CORRELATION_FIELD] as const;
const NUMERIC = new Set<string>(['status_id', 'priority_id', 'agent_id', 'client_id', 'tickettype_id']);
/** The fields `order` may name: those the emulator's tickets hold. */
const TICKET_FIELDS = Object.keys(ticketSchema.shape);
/** What a new ticket gets for what the request leaves out. */
const NEW_TICKET_DEFAULTS = { status_id: 1, priority_id: 3, agent_id: UNASSIGNED_AGENT_ID, client_id: 12, tickettype_id: 1 };

/** `GET /api/Tickets` (filters, ordering, paging), `GET /api/Tickets/{id}`, `POST /api/Tickets` (array upsert), `GET /api/Agent`. */
export function installTicketRoutes(halo: HaloEmulator): void {
  const { state } = halo;

  halo.router.get(TICKETS_PATH, (ctx) => {
    if (!halo.authorize(ctx, TICKETS_READ_SCOPES)) return;
    const query = intParams(ctx, [PAGING.size, PAGING.number, PAGING.count]);
    if (!query) return;
    const matching = filtered(ctx, state.tickets);
    if (!matching) return;
    let tickets = matching;
    if (queryText(ctx, PAGING.flag) === 'true') {
      const size = Math.max(1, query[PAGING.size] ?? DEFAULT_PAGE_SIZE);
      const page = Math.max(1, query[PAGING.number] ?? 1);
      tickets = matching.slice((page - 1) * size, page * size);
    } else if (query[PAGING.count] !== undefined) {
      tickets = matching.slice(0, query[PAGING.count]);
    }
    ctx.body = { record_count: matching.length, tickets };
  });

  halo.router.get(`${TICKETS_PATH}/:id`, (ctx) => {
    if (!halo.authorize(ctx, TICKETS_READ_SCOPES)) return;
    const ticket = state.tickets.find((t) => String(t.id) === ctx.params.id);
    if (!ticket) return sendProblem(ctx, 404);
    ctx.body = ticket;
  });

  halo.router.post(TICKETS_PATH, (ctx) => {
    if (!halo.authorize(ctx, TICKETS_WRITE_SCOPES)) return;
    const body = requestBody(ctx);
    if (!Array.isArray(body) || body.length === 0) return sendRefusal(ctx, 'The request body must be an array of tickets');
    // Every element is checked before any is applied, so a refused request changes nothing.
    const problems = body.map((item, index) => problemOf(halo, item, index)).filter((p): p is Refusal => p !== undefined);
    const first = problems[0];
    if (first) return first.status === 404 ? sendProblem(ctx, 404, { detail: first.message }) : sendRefusal(ctx, first.message);
    const written = (body as Array<Record<string, unknown>>).map((item) => upsert(halo, item));
    ctx.status = 201;
    ctx.body = written.length === 1 ? written[0] : written;
  });

  halo.router.get(AGENTS_PATH, (ctx) => {
    if (!halo.authorize(ctx, AGENTS_READ_SCOPES)) return;
    const query = intParams(ctx, [PAGING.count]);
    if (!query) return;
    const enabled = state.agents.filter((agent) => !agent.isdisabled);
    ctx.body = query[PAGING.count] === undefined ? enabled : enabled.slice(0, query[PAGING.count]);
  });
}

/** The tickets a listing's filters select, in its order; undefined after answering 400 for a bad filter. */
function filtered(ctx: EmulatorContext, all: HaloTicket[]): HaloTicket[] | undefined {
  let tickets = [...all];
  const correlation = queryText(ctx, CORRELATION_FILTER)?.toLowerCase();
  // The looser reading of ASSUMPTION correlation-field: a search, so hits need not be exact.
  if (correlation !== undefined) tickets = tickets.filter((t) => t[CORRELATION_FIELD]?.toLowerCase().includes(correlation));
  const from = queryText(ctx, LAST_UPDATE_FILTER);
  if (from !== undefined) {
    const fromMs = haloTimeMs(from);
    if (fromMs === undefined) {
      sendInvalidParams(ctx, { [LAST_UPDATE_FILTER]: [`The value '${from}' is not valid.`] });
      return undefined;
    }
    tickets = tickets.filter((t) => (haloTimeMs(t[LAST_UPDATE_FIELD]) ?? -Infinity) >= fromMs);
  }
  const order = queryText(ctx, ORDERING.field);
  // Halo's behaviour for a field it does not know is unconfirmed: refusing it keeps a misspelt order from passing a test.
  if (order !== undefined && !TICKET_FIELDS.includes(order)) {
    sendInvalidParams(ctx, { [ORDERING.field]: [`The emulator orders by ticket fields only (${TICKET_FIELDS.join(', ')}), not '${order}'.`] });
    return undefined;
  }
  const orderdesc = queryText(ctx, ORDERING.descending);
  // A bool parameter: ASP.NET model binding refuses any other text.
  if (orderdesc !== undefined && !/^(true|false)$/i.test(orderdesc)) {
    sendInvalidParams(ctx, { [ORDERING.descending]: [`The value '${orderdesc}' is not valid.`] });
    return undefined;
  }
  const descending = orderdesc?.toLowerCase() === 'true';
  const key = (t: HaloTicket): string | number => {
    const value = order === undefined ? t.id : t[order];
    return typeof value === 'number' || typeof value === 'string' ? value : '';
  };
  // Ties keep id order, so paging through equal keys is stable.
  tickets.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (descending ? -byKey : byKey) || a.id - b.id;
  });
  return tickets;
}

interface Refusal {
  status: 400 | 404;
  message: string;
}

function problemOf(halo: HaloEmulator, item: unknown, index: number): Refusal | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return { status: 400, message: `Ticket ${index} is not an object` };
  const ticket = item as Record<string, unknown>;
  if (ticket.id !== undefined && !halo.state.tickets.some((t) => t.id === ticket.id)) return { status: 404, message: `Ticket ${String(ticket.id)} not found` };
  if (ticket.id === undefined) {
    const missing = TICKET_REQUIRED_ON_CREATE.find((field) => typeof ticket[field] !== 'string' || (ticket[field] as string).trim() === '');
    if (missing) return { status: 400, message: `Please enter a ${missing}` };
  }
  for (const field of NUMERIC) {
    if (ticket[field] !== undefined && !Number.isInteger(ticket[field])) return { status: 400, message: `${field} must be a whole number` };
  }
  const agentId = ticket.agent_id;
  if (agentId !== undefined && agentId !== UNASSIGNED_AGENT_ID && !halo.state.agents.some((a) => a.id === agentId)) {
    return { status: 400, message: `Agent ${String(agentId)} does not exist` };
  }
  return undefined;
}

function upsert(halo: HaloEmulator, item: Record<string, unknown>): HaloTicket {
  const { tickets } = halo.state;
  const now = halo.haloNow();
  const changes = Object.fromEntries(WRITABLE.filter((key) => item[key] !== undefined).map((key) => [key, item[key]]));
  const existing = tickets.find((t) => t.id === item.id);
  if (existing) {
    Object.assign(existing, changes, { [LAST_UPDATE_FIELD]: now });
    halo.publish(WEBHOOK_EVENTS.updated, existing);
    return existing;
  }
  const id = nextNumber(tickets, Math.max(1000, ...tickets.map((t) => t.id)));
  const created: HaloTicket = {
    id,
    ...NEW_TICKET_DEFAULTS,
    details: '',
    [CORRELATION_FIELD]: null,
    ...changes,
    dateoccurred: now,
    lastactiondate: now,
    [LAST_UPDATE_FIELD]: now,
  };
  tickets.push(created);
  halo.publish(WEBHOOK_EVENTS.created, created);
  return created;
}
