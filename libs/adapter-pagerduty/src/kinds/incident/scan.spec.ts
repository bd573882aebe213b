import type { RecordPage } from '@itsm-hub/core';
import type { StoredIncident } from '../../emulator';
import { cappedAccount } from './__fixtures__/cappedAccount';
import { scanIncidents } from './scan';
import { isoSeconds } from './reader';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
/** Small enough that a few incidents overflow a window, as 10,000 would on a busy account. */
const CAP = 5;
const account = cappedAccount(NOW, CAP);

function addIncident(id: string, createdAt: number, serviceId = 'PSVC001'): void {
  const at = isoSeconds(createdAt);
  const incident: StoredIncident = {
    id, number: account.emulator().store.sequence++, title: id, status: 'resolved', urgency: 'low', serviceId, escalationPolicyId: 'PESC001',
    incidentKey: id, assigneeIds: [], createdAt: at, updatedAt: at, lastStatusChangeAt: at, resolvedAt: at,
  };
  account.emulator().store.incidents.push(incident);
}

async function scanAll(serviceIds?: string[], pageSize = 2): Promise<{ ids: string[]; pages: RecordPage[] }> {
  const listing = account.listing(serviceIds);
  const pages: RecordPage[] = [];
  let page: string | undefined;
  do {
    const result = await scanIncidents(listing, { kind: 'incident', scope: 'all', page, pageSize }, CAP);
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
    const listings = account.sent().filter((r) => r.url.startsWith('/incidents'));
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
    const url = new URL(account.sent()[0].url, 'http://pd');
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
