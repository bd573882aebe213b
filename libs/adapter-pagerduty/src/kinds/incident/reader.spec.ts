import type { HttpRequest, ListQuery, RecordPage } from '@itsm-hub/core';
import { cappedAccount } from './__fixtures__/cappedAccount';
import { encodePage } from './pageTokens';
import { CURSOR_OVERLAP_MS, isoSeconds, listChangedIncidents } from './reader';

const NOW = Date.parse('2026-03-01T12:00:00Z');
/** After the seeded account's log entries (the newest is two hours old), so only the ones added here are listed. */
const SINCE = '2026-03-01T11:00:00Z';
/** Small enough that a dozen log entries overflow a window, as 10,000 would on a busy account. */
const CAP = 5;
const BASE = NOW - 1_800_000;
const account = cappedAccount(NOW, CAP);

/** An incident with one log entry, `seconds` after BASE. */
function addChange(id: string, seconds: number): void {
  const at = isoSeconds(BASE + seconds * 1000);
  const pd = account.emulator();
  pd.store.incidents.push({
    id, number: pd.store.sequence++, title: id, status: 'triggered', urgency: 'low', serviceId: 'PSVC001', escalationPolicyId: 'PESC001',
    incidentKey: id, assigneeIds: [], createdAt: at, updatedAt: at, lastStatusChangeAt: at,
  });
  pd.store.logEntries.push({ id: `R${id}`, type: 'trigger_log_entry', incidentId: id, serviceId: 'PSVC001', createdAt: at, summary: 'Triggered through the API.' });
}

/** Twelve changes, newest first: a window of five ends inside the second at +6 s, which holds three. */
function addTwelve(): string[] {
  const seconds = [10, 9, 8, 7, 6, 6, 6, 5, 4, 3, 2, 2];
  const ids = seconds.map((_, i) => `PCHG${String(i + 1).padStart(2, '0')}`);
  // The store holds them oldest first, as written.
  for (let i = ids.length - 1; i >= 0; i--) addChange(ids[i], seconds[i]);
  return ids;
}

async function listAll(page?: string): Promise<{ pages: RecordPage[]; cursor: string | undefined }> {
  const listing = account.listing();
  const pages: RecordPage[] = [];
  let cursor: string | undefined;
  do {
    const query: ListQuery = { kind: 'incident', cursor: SINCE, page, pageSize: 2 };
    const result = await listChangedIncidents(listing, query, CAP);
    pages.push(result);
    page = result.nextPage;
    cursor = result.cursor;
  } while (page && pages.length < 100);
  return { pages, cursor };
}

function logEntryRequests(): HttpRequest[] {
  return account.sent().filter((r) => r.url === '/log_entries');
}

describe('listChangedIncidents (scope changes) past the pagination ceiling', () => {
  it('continues in windows ending at the oldest entry read, listing every change, those sharing an edge second included', async () => {
    const ids = addTwelve();

    const { pages, cursor } = await listAll();

    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id)))).toEqual(new Set(ids));
    for (const page of pages) expect(new Set(page.records.map((r) => r.id)).size).toBe(page.records.length);
    const requests = logEntryRequests();
    for (const req of requests) expect(Number(req.query?.offset) + Number(req.query?.limit)).toBeLessThanOrEqual(CAP);
    // Each window after the first ends a second after the second of the oldest entry the last one read,
    // asked for with a second more.
    expect([...new Set(requests.map((r) => r.query?.until))]).toEqual([undefined, isoSeconds(BASE + 8000), isoSeconds(BASE + 7000), isoSeconds(BASE + 6000)]);
    expect(requests.every((r) => r.query?.since === SINCE)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.cursor === undefined)).toBe(true);
    expect(cursor).toBe(isoSeconds(BASE + 10_000 - CURSOR_OVERLAP_MS));
  });

  it('drops the entries from a window’s end on, which the window before it read', async () => {
    addTwelve();
    const { pages } = await listAll();
    // The second window's first page is asked up to +8 s: PCHG04 at +7 s, read in the first window, and
    // PCHG05, the first of the three at +6 s.
    const secondWindow = logEntryRequests().findIndex((r) => r.query?.until !== undefined);
    expect(pages[secondWindow].records.map((r) => r.id)).toEqual(['PCHG05']);
  });

  it('gives up, naming the second, when more log entries than the ceiling were created within one second', async () => {
    for (let i = 0; i < CAP + 1; i++) addChange(`PFLOOD${i}`, 0);
    await expect(listAll()).rejects.toThrow(`PagerDuty holds more than ${CAP} log entries created around ${isoSeconds(BASE)}`);
  });

  it('continues a token without a window in the open one, and one written at the ceiling in a window ending at its last entry', async () => {
    const ids = addTwelve();

    const middle = await listAll(encodePage({ since: SINCE, offset: 2 }));
    expect(account.sent()[0].query).toEqual({ since: SINCE, limit: 2, offset: 2 });
    expect(new Set(middle.pages.flatMap((p) => p.records.map((r) => r.id)))).toEqual(new Set(ids.slice(2)));

    const atCeiling = await listAll(encodePage({ since: SINCE, offset: CAP }));
    // The last entry PagerDuty still pages to, then the window ending after its second.
    expect(account.sent()[0].query).toEqual({ since: SINCE, limit: 1, offset: CAP - 1 });
    expect(account.sent()[1].query).toEqual({ since: SINCE, until: isoSeconds(BASE + 8000), limit: 2, offset: 0 });
    expect(new Set(atCeiling.pages.flatMap((p) => p.records.map((r) => r.id)))).toEqual(new Set(ids.slice(4)));
    for (const req of logEntryRequests()) expect(Number(req.query?.offset) + Number(req.query?.limit)).toBeLessThanOrEqual(CAP);
  });

  it('refuses a token whose window end is not a time', async () => {
    const token = Buffer.from(JSON.stringify({ since: SINCE, offset: 0, until: 'later' })).toString('base64url');
    await expect(listAll(token)).rejects.toThrow(`Not a PagerDuty page token: ${token}`);
  });
});
