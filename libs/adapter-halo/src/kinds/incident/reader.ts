import { ValidationError, type ExternalRecord, type RecordPage } from '@itsm-hub/core';
import { CORRELATION_FILTER, LAST_UPDATE_FIELD, LAST_UPDATE_FILTER, ORDERING, TICKET_ID_FIELD } from '../../client/assumptions';
import type { HaloClient } from '../../client/http';
import type { HaloTicket } from '../../client/types';
import type { AgentDirectory } from '../../client/agents';
import { readFailed, type Classify } from './failures';
import { decodePageToken, encodePageToken, hasPageAfter, type PageToken, type ScanToken } from '../../client/paging';
import { toComments, toExternalRecord } from './record';
import { haloTime, haloTimeMs } from '../../client/time';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
/** Whether `lastupdatefromdate` includes its bound is unconfirmed: the query reaches one second back. */
const FILTER_REACH_BACK_MS = 1000;

/** Ticket reads: one ticket with its notes, by correlation id, incremental listings and scans. */
export class IncidentReader {
  constructor(
    private readonly client: HaloClient,
    private readonly agents: AgentDirectory,
    private readonly classify: Classify,
  ) {}

  /** The ticket with its notes; undefined when Halo has no such ticket. */
  async read(id: string): Promise<ExternalRecord | undefined> {
    const record = await this.record(id);
    if (!record) return undefined;
    const actions = await this.client.listActions(id);
    if (!actions.ok) throw readFailed(this.classify, `the actions of ticket ${id}`, actions);
    return { ...record, comments: toComments(actions.data.actions) };
  }

  /** The ticket without its notes. */
  async record(id: string): Promise<ExternalRecord | undefined> {
    // Halo ids are numbers: anything else cannot name a ticket, and would only make an odd URL.
    if (!/^\d+$/.test(id)) return undefined;
    const ticket = await this.client.getTicket(id);
    if (!ticket.ok && ticket.status === 404) return undefined;
    if (!ticket.ok) throw readFailed(this.classify, `reading ticket ${id}`, ticket);
    return this.present(ticket.data);
  }

  /**
   * The oldest ticket carrying the hub id (see ASSUMPTION correlation-field). Missing a ticket here makes
   * the hub create a duplicate, so the search reads page after page until an exact match turns up. Hits
   * come oldest first, so the first match is the oldest one and tickets created meanwhile cannot shift
   * an unread hit onto a page already read.
   */
  async findByCorrelationId(correlationId: string): Promise<ExternalRecord | undefined> {
    const filters = { [CORRELATION_FILTER]: correlationId, [ORDERING.field]: TICKET_ID_FIELD, [ORDERING.descending]: false };
    for (let page = 1; ; page++) {
      const found = await this.client.listTickets(page, MAX_PAGE_SIZE, filters);
      if (!found.ok) throw readFailed(this.classify, `the search for third_party_id ${correlationId}`, found);
      const { tickets, record_count } = found.data;
      const oldest = tickets.filter((t) => t.third_party_id === correlationId).sort((a, b) => a.id - b.id)[0];
      if (oldest) return this.present(oldest);
      if (!hasPageAfter(page, MAX_PAGE_SIZE, record_count, tickets.length)) return undefined;
    }
  }

  /**
   * Tickets last updated at or after the cursor, oldest change first. The cursor is the newest
   * `last_update` seen, so the next listing re-reads that second (the hub skips versions it has seen).
   */
  async list(cursor: string | undefined, page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    if (cursor !== undefined && haloTimeMs(cursor) === undefined) throw new ValidationError(`Halo listing cursor is not a Halo time: ${cursor}`);
    const token: PageToken = page === undefined ? { ...(cursor === undefined ? {} : { from: cursor }), page: 1 } : decodePageToken(page, 'changes');
    const size = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const fromMs = haloTimeMs(token.from);
    const filters = {
      [ORDERING.field]: LAST_UPDATE_FIELD,
      [ORDERING.descending]: false,
      ...(fromMs === undefined ? {} : { [LAST_UPDATE_FILTER]: haloTime(fromMs - FILTER_REACH_BACK_MS) }),
    };
    const listed = await this.client.listTickets(token.page, size, filters);
    if (!listed.ok) throw readFailed(this.classify, 'the ticket listing', listed);
    const tickets = listed.data.tickets;

    const seen = new Set(token.seen ?? []);
    const records: ExternalRecord[] = [];
    for (const ticket of tickets) {
      const unchanged = seen.has(ticket.id) && (haloTimeMs(ticket.last_update) ?? Infinity) <= (fromMs ?? -Infinity);
      if (!unchanged) records.push(await this.present(ticket));
    }

    const times = tickets.map((t) => haloTimeMs(t.last_update)).filter((ms): ms is number => ms !== undefined);
    const newest = Math.max(fromMs ?? -Infinity, haloTimeMs(cursor) ?? -Infinity, ...times);
    const result: RecordPage = { records };
    if (Number.isFinite(newest)) result.cursor = haloTime(newest);
    if (hasPageAfter(token.page, size, listed.data.record_count, tickets.length)) result.nextPage = encodePageToken(nextToken(token, tickets));
    return result;
  }

  /**
   * Every ticket the API token can read, however old, oldest (lowest id) first: the same tickets an
   * incremental listing reaches, as the adapter narrows neither by ticket type nor by client
   * (`ticket_type_id` and `client_id_default` only fill new tickets). `total` is Halo's `record_count`.
   * Pages are numbered through one id-ordered query (see ScanToken); a ticket deleted during the scan
   * shifts the later ones one place back, so one of them can be missed until the next scan, as Halo
   * documents no id filter to page by. No `cursor`: tickets ordered by id mark no point in time that an
   * incremental listing could resume from.
   */
  async scan(page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    const token: ScanToken = page === undefined ? { scan: true, page: 1 } : decodePageToken(page, 'all');
    const size = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const listed = await this.client.listTickets(token.page, size, { [ORDERING.field]: TICKET_ID_FIELD, [ORDERING.descending]: false });
    if (!listed.ok) throw readFailed(this.classify, 'the ticket scan', listed);
    const { tickets, record_count } = listed.data;
    const records: ExternalRecord[] = [];
    for (const ticket of tickets) records.push(await this.present(ticket));
    const result: RecordPage = { records, total: record_count };
    if (hasPageAfter(token.page, size, record_count, tickets.length)) result.nextPage = encodePageToken({ scan: true, page: token.page + 1 });
    return result;
  }

  private async present(ticket: HaloTicket): Promise<ExternalRecord> {
    const agent = await this.agents.emailOf(ticket.agent_id);
    if (!agent.ok) throw readFailed(this.classify, `the agents (for ticket ${ticket.id})`, agent);
    return toExternalRecord(ticket, agent.email, this.client.rootUrl);
  }
}

/**
 * The next page restarts from the newest change seen when it moved past `from`, remembering the tickets
 * that query will return again; only a page whose tickets all sit at (or before) `from` goes on to the
 * next page number of the same query.
 */
function nextToken(token: PageToken, tickets: HaloTicket[]): PageToken {
  const timed = tickets.map((t) => ({ id: t.id, ms: haloTimeMs(t.last_update) ?? -Infinity }));
  const pageNewest = Math.max(-Infinity, ...timed.map((t) => t.ms));
  const fromMs = haloTimeMs(token.from) ?? -Infinity;
  if (pageNewest <= fromMs) return { ...token, page: token.page + 1 };
  const seen = timed.filter((t) => t.ms >= pageNewest - FILTER_REACH_BACK_MS).map((t) => t.id);
  return { from: haloTime(pageNewest), page: 1, seen };
}
