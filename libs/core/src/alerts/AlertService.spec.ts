import 'reflect-metadata';
import { EngineSpec } from '../testing/engineSpec';
import { RecordService } from '../records/RecordService';
import { SyncLogRetention } from '../sync/SyncLogRetention';
import { AlertMappingService } from './AlertMappingService';
import { AlertService } from './AlertService';
import { createAlertMappingSchema, ownAlertSchema } from './alertSchemas';
import { fromOwnJson } from './normalizeAlerts';

const MINUTE = 60_000;

/** The mapping rules that need time to pass (on the injected clock) or several alerts per incident, on a real database. */
describe('AlertService rules over time', () => {
  const spec = new EngineSpec();
  let alerts: AlertService;
  let records: RecordService;

  beforeAll(async () => {
    await spec.setUp();
    alerts = spec.di.resolve(AlertService);
    records = spec.di.resolve(RecordService);
  });
  afterAll(() => spec.tearDown());
  beforeEach(async () => {
    await spec.db.query(`DELETE FROM alerts; DELETE FROM alert_storms; DELETE FROM alert_mappings`);
    await spec.reset();
    await spec.integration('mem');
  });

  const mapping = (input: Record<string, unknown>) =>
    spec.di.resolve(AlertMappingService).create(spec.org, createAlertMappingSchema.parse({ integrations: ['mem'], ...input }));
  const fire = (type: string, key: string, status: 'firing' | 'resolved' = 'firing') =>
    alerts.intake(spec.org, [fromOwnJson(ownAlertSchema.parse({ source: 'spec', type, summary: `${type} ${key}`, dedup_key: key, status }))]);
  const fireMany = (type: string, keys: string[], status: 'firing' | 'resolved' = 'firing') =>
    alerts.intake(spec.org, keys.map((key) => fromOwnJson(ownAlertSchema.parse({ source: 'spec', type, summary: `${type} ${key}`, dedup_key: key, status }))));
  const journal = async (incidentId: string) => (await records.journal('incident', incidentId)).map((e) => e.body);
  const statusOf = async (incidentId: string) => (await records.get(spec.org, 'incident', incidentId)).values.status;

  it('opens an incident only at the min_firings-th firing within the window, and counts again once the window passed', async () => {
    await mapping({ name: 'flappy', alert_type: 'Flap', storm: { window: '10m', min_firings: 3 } });
    expect((await fire('Flap', 'f-1'))[0]).toMatchObject({ status: 'firing', incident_id: null, deduplicated: false });
    spec.offsetMs = 11 * MINUTE;
    // The first firing left the window: this one is the first of a new count.
    expect((await fire('Flap', 'f-1'))[0]).toMatchObject({ incident_id: null, deduplicated: true });
    spec.offsetMs += MINUTE;
    expect((await fire('Flap', 'f-1'))[0].incident_id).toBeNull();
    spec.offsetMs += MINUTE;
    const third = (await fire('Flap', 'f-1'))[0];
    expect(third.incident_id).toEqual(expect.any(String));
    expect((await alerts.get(spec.org, third.id as string))).toMatchObject({ count: 4, window_firings: 3 });
    expect((await fire('Flap', 'f-1'))[0].incident_id).toBe(third.incident_id);
  });

  it('comments "fired again" on the incident at most once an hour', async () => {
    await mapping({ name: 'disk', alert_type: 'Disk' });
    const incidentId = (await fire('Disk', 'd-1'))[0].incident_id as string;
    await fire('Disk', 'd-1');
    expect(await journal(incidentId)).toEqual([]);
    spec.offsetMs = 61 * MINUTE;
    await fire('Disk', 'd-1');
    await fire('Disk', 'd-1');
    expect(await journal(incidentId)).toEqual([expect.stringMatching(/^Alert "Disk d-1" fired again, 3 times/)]);
    spec.offsetMs = 122 * MINUTE;
    await fire('Disk', 'd-1');
    expect(await journal(incidentId)).toHaveLength(2);
  });

  it('on_resolved comment leaves the incident open with a note; none leaves it as it is', async () => {
    await mapping({ name: 'noted', alert_type: 'Noted', on_resolved: 'comment' });
    await mapping({ name: 'quiet', alert_type: 'Quiet', on_resolved: 'none' });
    const noted = (await fire('Noted', 'n-1'))[0].incident_id as string;
    const quiet = (await fire('Quiet', 'q-1'))[0].incident_id as string;
    expect((await fire('Noted', 'n-1', 'resolved'))[0].status).toBe('resolved');
    expect((await fire('Quiet', 'q-1', 'resolved'))[0].status).toBe('resolved');
    expect(await statusOf(noted)).toBe('new');
    expect(await journal(noted)).toEqual(['Alert "Noted n-1" resolved.']);
    expect(await statusOf(quiet)).toBe('new');
    expect(await journal(quiet)).toEqual([]);
  });

  it('a storm incident gets one comment per intake of resolved alerts and resolves with the last of them', async () => {
    await mapping({ name: 'storm', alert_type: 'Down', storm: { window: '10m', threshold: 2 } });
    const fired = await fireMany('Down', ['s-1', 's-2', 's-3', 's-4', 's-5']);
    const stormId = fired[2].incident_id as string;
    expect(new Set(fired.map((o) => o.incident_id)).size).toBe(3);
    expect(fired.slice(2).map((o) => o.incident_id)).toEqual([stormId, stormId, stormId]);
    expect((await records.get(spec.org, 'incident', stormId)).values.description).toMatch(/^3 alerts of mapping "storm" joined this storm/);
    await fireMany('Down', ['s-3', 's-4'], 'resolved');
    expect(await journal(stormId)).toEqual(['2 of its alerts resolved (last: "Down s-4"); 1 of its alerts still firing.']);
    expect(await statusOf(stormId)).toBe('new');
    await fire('Down', 's-5', 'resolved');
    expect(await statusOf(stormId)).toBe('resolved');
    // The alerts with their own incidents are untouched.
    expect(await statusOf(fired[0].incident_id as string)).toBe('new');
  });

  it('dismisses an unmapped alert, refuses to dismiss a firing one, and opens a new alert for the key afterwards', async () => {
    await mapping({ name: 'known', alert_type: 'Known' });
    const unmapped = (await fire('Unknown', 'u-1'))[0];
    expect(unmapped.status).toBe('unmapped');
    // Refused inside its transaction: the reason is read on the same connection (the embedded database has only one).
    await expect(alerts.acknowledge(spec.org, unmapped.id as string)).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT' });
    await expect(alerts.approve(spec.org, unmapped.id as string)).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT' });
    expect((await alerts.dismiss(spec.org, unmapped.id as string)).status).toBe('dismissed');
    const firing = (await fire('Known', 'k-1'))[0];
    await expect(alerts.dismiss(spec.org, firing.id as string)).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT' });
    const again = (await fire('Unknown', 'u-1'))[0];
    expect(again).toMatchObject({ status: 'unmapped', deduplicated: false });
    expect(again.id).not.toBe(unmapped.id);
  });

  it('forgets closed alerts after the retention period and keeps open ones', async () => {
    await mapping({ name: 'kept', alert_type: 'Kept' });
    const closed = (await fire('Kept', 'c-1'))[0];
    await fire('Kept', 'c-1', 'resolved');
    const open = (await fire('Kept', 'o-1'))[0];
    spec.offsetMs = 91 * 24 * 60 * MINUTE;
    await spec.di.resolve(SyncLogRetention).runOnce();
    await expect(alerts.get(spec.org, closed.id as string)).rejects.toMatchObject({ code: 'HUB_ERR_NOT_FOUND' });
    expect((await alerts.get(spec.org, open.id as string)).status).toBe('firing');
  });
});
