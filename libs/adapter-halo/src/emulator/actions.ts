import { requestBody } from '@itsm-hub/core/emulator';
import {
  ACTIONS_PATH,
  ACTIONS_TICKET_FILTER,
  LAST_UPDATE_FIELD,
  TICKETS_READ_SCOPES,
  TICKETS_WRITE_SCOPES,
  WEBHOOK_EVENTS,
} from '../client/assumptions';
import type { HaloAction } from '../client/types';
import type { HaloEmulator } from './HaloEmulator';
import { intParams, sendInvalidParams, sendProblem, sendRefusal } from './http';

/** Who the API application's actions are recorded as. */
const API_AUTHOR = 'API User';

/** `GET /api/Actions?ticket_id=…` and `POST /api/Actions` (array), see ASSUMPTION actions. */
export function installActionRoutes(halo: HaloEmulator): void {
  const { state } = halo;

  halo.router.get(ACTIONS_PATH, (ctx) => {
    if (!halo.authorize(ctx, TICKETS_READ_SCOPES)) return;
    const query = intParams(ctx, [ACTIONS_TICKET_FILTER]);
    if (!query) return;
    const ticketId = query[ACTIONS_TICKET_FILTER];
    if (ticketId === undefined) return sendInvalidParams(ctx, { [ACTIONS_TICKET_FILTER]: ['The ticket_id field is required.'] });
    const actions = state.actions.filter((a) => a.ticket_id === ticketId).sort((a, b) => (a.datetime ?? '').localeCompare(b.datetime ?? '') || a.id - b.id);
    ctx.body = { record_count: actions.length, actions };
  });

  halo.router.post(ACTIONS_PATH, (ctx) => {
    if (!halo.authorize(ctx, TICKETS_WRITE_SCOPES)) return;
    const body = requestBody(ctx);
    if (!Array.isArray(body) || body.length === 0) return sendRefusal(ctx, 'The request body must be an array of actions');
    for (const item of body as Array<Record<string, unknown>>) {
      if (item === null || typeof item !== 'object') return sendRefusal(ctx, 'Each action must be an object');
      if (!state.tickets.some((t) => t.id === item.ticket_id)) return sendProblem(ctx, 404, { detail: `Ticket ${String(item.ticket_id)} not found` });
      if (typeof item.note !== 'string' || item.note.trim() === '') return sendRefusal(ctx, 'Please enter a note');
    }
    const written = (body as Array<Record<string, unknown>>).map((item) => {
      const now = halo.haloNow();
      const action: HaloAction = {
        id: Math.max(5000, ...state.actions.map((a) => a.id)) + 1,
        ticket_id: item.ticket_id as number,
        outcome: typeof item.outcome === 'string' ? item.outcome : 'Note',
        note: item.note as string,
        hiddenfromuser: item.hiddenfromuser === true,
        who: API_AUTHOR,
        datetime: now,
      };
      state.actions.push(action);
      // ASSUMPTION note-touches-ticket: a new action counts as a change of its ticket.
      const ticket = state.tickets.find((t) => t.id === action.ticket_id)!;
      Object.assign(ticket, { lastactiondate: now, [LAST_UPDATE_FIELD]: now });
      halo.publish(WEBHOOK_EVENTS.actionAdded, ticket, action);
      return action;
    });
    ctx.status = 201;
    ctx.body = written.length === 1 ? written[0] : written;
  });
}
