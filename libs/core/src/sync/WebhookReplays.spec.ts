import 'reflect-metadata';
import { MemoryLogger } from '../testing/createTestAdapterContext';
import { EngineSpec, MEMORY_WEBHOOK_SECRET } from '../testing/engineSpec';
import { MEMORY_DELIVERY_HEADER, MEMORY_WARNING_HEADER } from '../testing/MemoryPlatform';
import { SyncStatusService } from './SyncStatusService';
import { SyncLogRetention } from './SyncLogRetention';
import { WebhookReceiver } from './WebhookReceiver';

/** A replay is recognised by its body, which is what was signed, not by an unsigned delivery header. */
describe('webhook replays', () => {
  const spec = new EngineSpec();
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const deliver = (integrationId: string, externalId: string, deliveryId: string, extra: Record<string, string> = {}) => {
    const request = spec.platform.webhook(externalId, MEMORY_WEBHOOK_SECRET);
    return spec.di.resolve(WebhookReceiver).receive(integrationId, { ...request, headers: { ...request.headers, [MEMORY_DELIVERY_HEADER]: deliveryId, ...extra } });
  };
  const inboxRows = async () => (await spec.db.query(`SELECT count(*)::int AS n FROM sync_inbox`))[0].n;

  it('refuses the same body under a new delivery id within the window, and takes it again after the window', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Replayed', state: 'open' });
    expect(await deliver(a, record.id, 'd-1')).toEqual({ queued: 1, duplicates: 0, echoes: 0 });
    expect(await deliver(a, record.id, 'd-2')).toEqual({ queued: 0, duplicates: 1, echoes: 0 });
    expect(await deliver(a, record.id, 'd-1')).toEqual({ queued: 0, duplicates: 1, echoes: 0 });
    expect(await inboxRows()).toBe(1);
    // A new version is a new body: a new notification.
    spec.platform.edit(record.id, { summary: 'Changed' });
    expect(await deliver(a, record.id, 'd-3')).toEqual({ queued: 1, duplicates: 0, echoes: 0 });
    await spec.drainIn();
    spec.offsetMs += 24 * 3_600_000 + 1_000;
    expect((await deliver(a, record.id, 'd-4')).duplicates).toBe(0);
  });

  it('keeps each integration\'s own window, and forgets bodies and delivery ids once it has passed', async () => {
    const a = await spec.integration('a', { settings: { replay_window_hours: 1 } });
    const b = await spec.integration('b');
    const record = spec.platform.add('incident', { summary: 'Short window', state: 'open' });
    await deliver(a, record.id, 'a-1');
    await deliver(b, record.id, 'b-1');
    spec.offsetMs += 61 * 60_000;
    const retention = new SyncLogRetention(spec.db, spec.clock, new MemoryLogger(), { publicUrl: '', httpTimeoutMs: 1 });
    // a's body digest and delivery id; b keeps its 24 hours.
    expect(await retention.forgetDeliveries(spec.clock.now())).toBe(2);
    const left = await spec.db.query(`SELECT integration_id FROM webhook_body_digests`);
    expect(left).toEqual([{ integration_id: b }]);
    expect((await deliver(a, record.id, 'a-2')).duplicates).toBe(0);
  });

  it('shows the warning a delivery was accepted with in sync-status, until one verifies without', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Old script', state: 'open' });
    await deliver(a, record.id, 'w-1', { [MEMORY_WARNING_HEADER]: 'update the platform-side script' });
    const status = spec.di.resolve(SyncStatusService);
    expect(await status.of(a)).toMatchObject({ webhook_warning: 'update the platform-side script', webhook_warning_at: expect.any(String) });
    spec.platform.edit(record.id, { summary: 'New script' });
    await deliver(a, record.id, 'w-2');
    expect(await status.of(a)).toMatchObject({ webhook_warning: null, webhook_warning_at: null });
  });
});
