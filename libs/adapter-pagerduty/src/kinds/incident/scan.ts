import { VendorResponseError, type Clock, type ErrorClassification, type ExternalRecord, type ListQuery, type RecordPage, type VendorFailure } from '@itsm-hub/core';
import type { PagerDutyClient } from '../../client/http';
import type { PagerDutyDirectory } from '../../client/directory';
import type { PagerDutyIncident } from '../../client/types';
import { decodePage, encodePage, type ScanPage } from './pageTokens';
import { isoSeconds, PAGINATION_CAP, readFailed, type IncidentListing } from './reader';
import { toExternalRecord } from './record';

type Classify = (failure: VendorFailure) => ErrorClassification;

/** `since`..`until` may span at most 6 months (spec); 180 days fit in any six calendar months. */
export const MAX_WINDOW_MS = 180 * 86_400_000;
const SECOND = 1000;
const MAX_PAGE_SIZE = 100;
const STATUSES = ['triggered', 'acknowledged', 'resolved'];
/** Offset paging needs a total order: creation time, then the incident number for incidents created in one second. */
const ORDER = 'created_at:asc,incident_number:asc';

/**
 * Every incident in scope, however old (`scope: 'all'`): `GET /incidents` walked in windows of
 * creation time, oldest first, from the oldest incident in scope to the second the scan started.
 * A window holds at most `cap` incidents (its count asked with `total=true` on its first page;
 * windows above it are halved), so no page reaches past the ceiling. The windows after one grow
 * back, doubling up to 6 months, so a burst only narrows the windows around it.
 *
 * `cap` is PagerDuty's ceiling; tests give the emulator's smaller one.
 */
export async function scanIncidents(listing: IncidentListing, query: ListQuery, cap: number = PAGINATION_CAP): Promise<RecordPage> {
  const { client, directory, clock, classify, serviceIds } = listing;
  const lists = { 'statuses[]': STATUSES, ...(serviceIds ? { 'service_ids[]': serviceIds } : {}) };
  const start = query.page ? decodePage(query.page, 'all') : await firstWindow(client, clock, classify, lists);
  if (!start) return { records: [] };
  let window: ScanPage = start;
  const pageSize = Math.min(Math.max(query.pageSize ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const total = window.total === undefined ? {} : { total: window.total };

  // Empty windows (and pages holding only the neighbours the widened range lets in) are passed over
  // here, so every page but the last carries incidents.
  for (;;) {
    const first = window.offset === 0;
    // PagerDuty's bounds on since/until are not documented as inclusive or exclusive: the range asked
    // for is a second wider on each side, and the incidents outside the window are dropped, so each
    // incident is listed in exactly one window either way.
    const page = await client.listIncidents(
      { since: isoSeconds(window.since - SECOND), until: isoSeconds(window.until + SECOND), sort_by: ORDER, limit: Math.min(pageSize, cap - window.offset), offset: window.offset, ...(first ? { total: true } : {}) },
      lists,
    );
    if (!page.ok) throw readFailed(classify, 'GET /incidents', page);
    if (first) {
      const count = page.data.total;
      if (typeof count !== 'number') throw new VendorResponseError('PagerDuty answered GET /incidents?total=true without a total');
      if (count > cap) {
        window = firstHalf(window, cap);
        continue;
      }
    }
    const incidents = page.data.incidents.filter((i) => inWindow(i, window));
    const offset = window.offset + page.data.incidents.length;
    const next: ScanPage | undefined = page.data.more && page.data.incidents.length > 0 ? { ...window, offset } : following(window);
    if (incidents.length === 0 && next) {
      window = next;
      continue;
    }
    const records: ExternalRecord[] = [];
    for (const incident of incidents) records.push(await toExternalRecord(incident, directory));
    return { records, ...(next ? { nextPage: encodePage(next) } : {}), ...total };
  }
}

/** The first window, from the oldest incident in scope; undefined when there is none. */
async function firstWindow(client: PagerDutyClient, clock: Clock, classify: Classify, lists: Record<string, string[]>): Promise<ScanPage | undefined> {
  // date_range=all ignores since/until: the oldest incident the account holds, and (with total) how many it holds in scope.
  const oldest = await client.listIncidents({ date_range: 'all', sort_by: ORDER, limit: 1, total: true }, lists);
  if (!oldest.ok) throw readFailed(classify, 'GET /incidents', oldest);
  const incident = oldest.data.incidents[0];
  if (!incident) return undefined;
  const since = floorSecond(Date.parse(incident.created_at));
  if (!Number.isFinite(since)) throw new VendorResponseError(`PagerDuty answered GET /incidents with an unreadable created_at: ${incident.created_at}`);
  // Incidents created later belong to the incremental listing; whole seconds, as PagerDuty's timestamps.
  const end = floorSecond(clock.now().getTime()) + SECOND;
  const count = oldest.data.total;
  return { scope: 'all', since, until: Math.min(end, since + MAX_WINDOW_MS), offset: 0, end, ...(typeof count === 'number' ? { total: count } : {}) };
}

function firstHalf(window: ScanPage, cap: number): ScanPage {
  const span = window.until - window.since;
  if (span <= SECOND) {
    throw new VendorResponseError(`PagerDuty holds more than ${cap} incidents created around ${isoSeconds(window.since)}; offset paging cannot reach them all`);
  }
  return { ...window, until: window.since + floorSecond(span / 2) };
}

/** The window after `window`, twice as wide (at most 6 months, never past the end); undefined at the end. */
function following(window: ScanPage): ScanPage | undefined {
  if (window.until >= window.end) return undefined;
  const span = Math.min(MAX_WINDOW_MS, 2 * (window.until - window.since));
  return { ...window, since: window.until, until: Math.min(window.end, window.until + span), offset: 0 };
}

function inWindow(incident: PagerDutyIncident, window: ScanPage): boolean {
  const created = Date.parse(incident.created_at);
  return created >= window.since && created < window.until;
}

function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}
