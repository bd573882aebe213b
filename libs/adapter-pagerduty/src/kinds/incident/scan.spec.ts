import type { HttpRequest, RecordPage } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { classifyPagerDutyError } from '../../client/failures';
import { PagerDutyDirectory } from '../../client/directory';
import { PagerDutyClient } from '../../client/http';
import { startEmulator, type RunningPagerDutyEmulator, type StoredIncident } from '../../emulator';
import { scanIncidents } from './scan';
import { isoSeconds } from './reader';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
/** Small enough that a few incidents overflow a window, as 10,000 would on a busy account. */
const CAP = 5;
const clock = { now: () => new Date(NOW) };
let pd: RunningPagerDutyEmulator;
let sent: HttpRequest[];

beforeAll(async () => {
  pd = await startEmulator({ now: () => NOW, paginationCap: CAP });
});
afterAll(async () => {
  await pd.close();
});
beforeEach(() => {
  pd.emulator.reset();
});

function addIncident(id: string, createdAt: number, serviceId = 'PSVC001'): void {
  const at = isoSeconds(createdAt);
  const incident: StoredIncident = {
    id, number: pd.store.sequence++, title: id, status: 'resolved', urgency: 'low', serviceId, escalationPolicyId: 'PESC001',
    incidentKey: id, assigneeIds: [], createdAt: at, updatedAt: at, lastStatusChangeAt: at, resolvedAt: at,
  };
  pd.store.incidents.push(incident);
}

async function scanAll(serviceIds?: string[], pageSize = 2): Promise<{ ids: string[]; pages: RecordPage[] }> {
  const context = createTestAdapterContext({ baseUrl: pd.url, credentials: pd.credentials, clock });
  sent = [];
  const request = context.http.request.bind(context.http);
  context.http = { request: (req) => (sent.push(req), request(req)) };
  const client = new PagerDutyClient(context.http, pd.credentials);
  const directory = new PagerDutyDirectory(client);
  const pages: RecordPage[] = [];
  let page: string | undefined;
  do {
    const result = await scanIncidents({ client, directory, clock, classify: (failure) => classifyPagerDutyError(failure, clock), serviceIds }, { kind: 'incident', scope: 'all', page, pageSize }, CAP);
    pages.push(result);
    page = result.nextPage;
  } while (page && pages.length < 500);
  return { ids: pages.flatMap((p) => p.records.map((r) => r.id)), pages };
}

describe('scanIncidents (scope all)', () => {
  it('walks windows oldest first from years back, halving the crowded ones below the ceiling, each incident once', async () => {
    addIncident('POLD001', NOW - 900 * DAY);
    addIncident('POLD002', NOW - 400 * DAY);
    // Twelve in one day: more than the ceiling in any window wider than a few hours.
    for (let i = 0; i < 12; i++) addIncident(`PBURST${String(i).padStart(2, '0')}`, NOW - 60 * DAY + i * 600_000);
    // Several in one second: the order within it is the incident number.
    for (let i = 0; i < 3; i++) addIncident(`PSAME0${i}`, NOW - 45 * DAY);

    const { ids, pages } = await scanAll();

    const expected = ['POLD001', 'POLD002', ...Array.from({ length: 12 }, (_, i) => `PBURST${String(i).padStart(2, '0')}`), 'PSAME00', 'PSAME01', 'PSAME02', 'PINC002', 'PINC001'];
    expect(ids).toEqual(expected);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.total === expected.length)).toBe(true);
    const listings = sent.filter((r) => r.url.startsWith('/incidents'));
    for (const req of listings) expect(Number(req.query?.offset ?? 0) + Number(req.query?.limit)).toBeLessThanOrEqual(CAP);
    // Every window is within PagerDuty's six months.
    for (const req of listings.filter((r) => r.query?.since !== undefined)) {
      expect(Date.parse(String(req.query?.until)) - Date.parse(String(req.query?.since))).toBeLessThanOrEqual(180 * DAY + 2000);
    }
  });

  it('keeps to service_ids, asking PagerDuty for every status on those services only', async () => {
    addIncident('POTHER1', NOW - 100 * DAY, 'PSVC999');
    addIncident('PMINE01', NOW - 100 * DAY);
    const { ids } = await scanAll(['PSVC001']);
    expect(ids).toEqual(['PMINE01', 'PINC002', 'PINC001']);
    const url = new URL(sent[0].url, 'http://pd');
    expect(url.searchParams.getAll('service_ids[]')).toEqual(['PSVC001']);
    expect(url.searchParams.getAll('statuses[]')).toEqual(['triggered', 'acknowledged', 'resolved']);
    expect((await scanAll(['PSVC999'])).ids).toEqual(['POTHER1']);
  });

  it('answers one empty page for an account without incidents in scope', async () => {
    const { pages } = await scanAll(['PNONE00']);
    expect(pages).toEqual([{ records: [] }]);
  });

  it('gives up, naming the second, when more incidents than the ceiling were created within one second', async () => {
    for (let i = 0; i < CAP + 1; i++) addIncident(`PFLOOD${i}`, NOW - 10 * DAY);
    await expect(scanAll()).rejects.toThrow(`PagerDuty holds more than ${CAP} incidents created around ${isoSeconds(NOW - 10 * DAY)}`);
  });
});
