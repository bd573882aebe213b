import { ValidationError, VendorRejectedError, VendorResponseError, type Clock, type ErrorClassification, type ExternalRecord, type ListQuery, type RecordPage, type VendorFailure } from '@itsm-hub/core';
import type { PagerDutyClient, PagerDutyRejected } from '../../client/http';
import type { PagerDutyDirectory } from '../../client/directory';
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
const MAX_PAGE_SIZE = 100;

/**
 * Incidents changed since a cursor. GET /incidents cannot filter by update time, so the account's
 * log entries (one per trigger, acknowledge, assign, note, resolve, ...) name the incidents that
 * changed, and each is read in full.
 */
export async function listChangedIncidents(
  client: PagerDutyClient,
  directory: PagerDutyDirectory,
  clock: Clock,
  classify: Classify,
  serviceIds: string[] | undefined,
  query: ListQuery,
): Promise<RecordPage> {
  const state: ChangesPage = query.page ? decodePage(query.page, 'changes') : { since: startOf(query.cursor, clock), offset: 0 };
  const { offset } = state;
  const limit = Math.min(Math.max(query.pageSize ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const page = await client.listLogEntries({ since: state.since, limit, offset });
  if (!page.ok) throw readFailed(classify, 'GET /log_entries', page);

  const inScope = (serviceId: string | undefined) => !serviceIds || serviceId === undefined || serviceIds.includes(serviceId);
  const incidentIds = [...new Set(page.data.log_entries.filter((e) => e.incident && inScope(e.service?.id)).map((e) => e.incident!.id))];
  const times = page.data.log_entries.map((e) => Date.parse(e.created_at)).filter(Number.isFinite);
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
  if (page.data.more && page.data.log_entries.length > 0) {
    // The cursor only moves once the last page is read: the hub stores it after every page, and a
    // listing resumed from a middle page's cursor could skip what later pages hold.
    return { records, nextPage: encodePage({ since: state.since, offset: offset + page.data.log_entries.length, ...(seen === undefined ? {} : { newest: seen }) }) };
  }
  const cursor = seen === undefined ? state.since : isoSeconds(Math.max(Date.parse(state.since), seen - CURSOR_OVERLAP_MS));
  return { records, cursor };
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
