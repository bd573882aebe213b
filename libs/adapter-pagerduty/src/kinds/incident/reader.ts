import { ValidationError, VendorRejectedError, VendorResponseError, type Clock, type ErrorClassification, type ExternalRecord, type ListQuery, type RecordPage, type VendorFailure } from '@itsm-hub/core';
import type { PagerDutyClient, PagerDutyRejected } from '../../client/http';
import type { PagerDutyDirectory } from '../../client/directory';
import type { PagerDutyLogEntry } from '../../client/types';
import { decodePage, encodePage, type ChangesPage } from './pageTokens';
import { toExternalRecord } from './record';

type Classify = (failure: VendorFailure) => ErrorClassification;

/** Where a listing starts without a cursor: PagerDuty's own default window for incidents is a month. */
export const FIRST_LISTING_DAYS = 30;
/**
 * How far the next listing reaches back before the newest log entry seen. `since` has one-second
 * precision and log entries may become visible a little after their `created_at`, so the overlap
 * re-reads the last minute; the hub skips versions it has already seen.
 */
export const CURSOR_OVERLAP_MS = 60_000;
/**
 * PagerDuty refuses a `GET /incidents` or `GET /log_entries` page whose offset + limit exceeds this,
 * with 400 "Arguments Caused Error" (2002), "Offset+limit exceeds maximum allowed value of 10000"
 * (captured in faros-ai/airbyte-connectors#991 and cloudquery/cloudquery#12750; the spec does not
 * state it).
 */
export const PAGINATION_CAP = 10_000;
const SECOND = 1000;
const MAX_PAGE_SIZE = 100;

/** What both incident listings (changes since a cursor, and scans) work with. */
export interface IncidentListing {
  client: PagerDutyClient;
  directory: PagerDutyDirectory;
  clock: Clock;
  classify: Classify;
  /** The integration's `service_ids` scope; undefined: every service. */
  serviceIds: string[] | undefined;
}

/**
 * Incidents changed since a cursor. GET /incidents cannot filter by update time, so the account's
 * log entries (one per trigger, acknowledge, assign, note, resolve, ...) name the incidents that
 * changed, and each is read in full.
 *
 * Log entries come newest first, so offset paging walks back from now towards `since`. Offsets stop
 * at `cap`; past it the listing continues in a new window ending with the second of the oldest entry
 * read, at offset 0 again, until a window's last page is read.
 *
 * `cap` is PagerDuty's ceiling; tests give the emulator's smaller one.
 */
export async function listChangedIncidents(listing: IncidentListing, query: ListQuery, cap: number = PAGINATION_CAP): Promise<RecordPage> {
  const { client, directory, clock, classify, serviceIds } = listing;
  const token: ChangesPage = query.page ? decodePage(query.page, 'changes') : { since: startOf(query.cursor, clock), offset: 0 };
  const state = token.offset < cap ? token : await windowAtCeiling(client, classify, token, cap);
  const { offset, until } = state;
  const limit = Math.min(Math.max(query.pageSize ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE, cap - offset);
  // Whether PagerDuty's `until` is inclusive is undocumented: a window is asked for a second longer and
  // the entries from its end on, all read in the windows before, are dropped.
  const page = await client.listLogEntries({ since: state.since, ...(until === undefined ? {} : { until: isoSeconds(until + SECOND) }), limit, offset });
  if (!page.ok) throw readFailed(classify, 'GET /log_entries', page);
  const read = page.data.log_entries;
  // An entry with an unreadable time is kept, as in the first window.
  const entries = until === undefined ? read : read.filter((e) => !(Date.parse(e.created_at) >= until));

  const inScope = (serviceId: string | undefined) => !serviceIds || serviceId === undefined || serviceIds.includes(serviceId);
  const incidentIds = [...new Set(entries.filter((e) => e.incident && inScope(e.service?.id)).map((e) => e.incident!.id))];
  const times = entries.map((e) => Date.parse(e.created_at)).filter(Number.isFinite);
  const newest = Math.max(state.newest ?? -Infinity, ...times);

  const records: ExternalRecord[] = [];
  for (const id of incidentIds) {
    const incident = await client.getIncident(id);
    // A merged or deleted incident still has log entries but can no longer be read.
    if (!incident.ok && incident.status === 404) continue;
    if (!incident.ok) throw readFailed(classify, `GET /incidents/${id}`, incident);
    if (serviceIds && !serviceIds.includes(incident.data.service.id)) continue;
    records.push(await toExternalRecord(incident.data, directory));
  }

  const seen = Number.isFinite(newest) ? newest : undefined;
  if (page.data.more && read.length > 0) {
    // The cursor only moves once the last page is read: the hub stores it after every page, and a
    // listing resumed from a middle page's cursor could skip what later pages hold.
    const next = offset + read.length < cap ? { ...state, offset: offset + read.length } : { ...state, until: windowEnd(read, until, cap), offset: 0 };
    return { records, nextPage: encodePage({ ...next, ...(seen === undefined ? {} : { newest: seen }) }) };
  }
  const cursor = seen === undefined ? state.since : isoSeconds(Math.max(Date.parse(state.since), seen - CURSOR_OVERLAP_MS));
  return { records, cursor };
}

/**
 * Where a token standing at the ceiling continues: one written before windows existed, whose next page
 * PagerDuty refuses. Its window ends with the second of the last entry the open window still pages
 * to, or, when the entries since no longer reach the ceiling, it pages the open window from the start.
 */
async function windowAtCeiling(client: PagerDutyClient, classify: Classify, token: ChangesPage, cap: number): Promise<ChangesPage> {
  const last = await client.listLogEntries({ since: token.since, limit: 1, offset: cap - 1 });
  if (!last.ok) throw readFailed(classify, 'GET /log_entries', last);
  if (last.data.log_entries.length === 0) return { ...token, offset: 0 };
  return { ...token, until: windowEnd(last.data.log_entries, undefined, cap), offset: 0 };
}

/**
 * The end of the window after one paged up to the ceiling: the second after the oldest entry read, so
 * the entries of that second not read yet are in it. Those already read come again; the hub skips the
 * versions it has seen.
 */
function windowEnd(read: PagerDutyLogEntry[], until: number | undefined, cap: number): number {
  const oldest = Math.min(...read.map((e) => Date.parse(e.created_at)).filter(Number.isFinite));
  if (!Number.isFinite(oldest)) throw new VendorResponseError(`PagerDuty answered GET /log_entries with an unreadable created_at: ${read.map((e) => e.created_at).join(', ')}`);
  const end = Math.floor(oldest / SECOND) * SECOND + SECOND;
  // Everything read lay in the window's last second (or the second after it, asked for besides): a
  // window ending there again would read the same entries.
  if (until !== undefined && end >= until) {
    throw new VendorResponseError(`PagerDuty holds more than ${cap} log entries created around ${isoSeconds(end - SECOND)}; offset paging cannot reach them all`);
  }
  return end;
}

function startOf(cursor: string | undefined, clock: Clock): string {
  if (cursor === undefined) return isoSeconds(clock.now().getTime() - FIRST_LISTING_DAYS * 86_400_000);
  if (!Number.isFinite(Date.parse(cursor))) throw new ValidationError(`PagerDuty listing cursor is not a timestamp: ${cursor}`);
  return cursor;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Reads return records, not results, so a failed read travels as an error: a refusal with its
 * classification, or a success whose body is not what PagerDuty documents.
 */
export function readFailed(classify: Classify, call: string, result: PagerDutyRejected): Error {
  if (result.status < 300) return new VendorResponseError(`PagerDuty answered ${call} with HTTP ${result.status}: ${result.message}`);
  const failure = { type: 'response' as const, status: result.status, headers: result.headers, body: result.body };
  return new VendorRejectedError(`PagerDuty refused ${call} (HTTP ${result.status})`, failure, classify(failure));
}
