import 'reflect-metadata';
import { IncidentService } from '../records/IncidentService';
import { EngineSpec, MEMORY_WEBHOOK_SECRET } from '../testing/engineSpec';
import { InboxService } from './InboxService';
import { SyncMetrics } from './SyncMetrics';
import { SyncStatusService } from './SyncStatusService';
import { WebhookReceiver } from './WebhookReceiver';

/**
 * A signed webhook whose record the hub then cannot read stays in the inbox as failed, counted in
 * sync-status and Prometheus with the platform's message, until retried, discarded or superseded.
 */
describe('sync engine: inbound failures are kept and shown', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 1, backoffBaseMs: 1_000 } });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const receive = async (integrationId: string, externalId: string) =>
    spec.di.resolve(WebhookReceiver).receive(integrationId, spec.platform.webhook(externalId, MEMORY_WEBHOOK_SECRET));
  const status = (integrationId: string) => spec.di.resolve(SyncStatusService).of(integrationId);
  const failures = async (reason: string) =>
    (await spec.di.resolve(SyncMetrics).registry.getSingleMetric('itsm_sync_inbound_failures_total')?.get())?.values.find((v) => v.labels.reason === reason)?.value ?? 0;

  it('keeps an event whose record is gone as failed, counts it, and applies it on retry once the record is readable', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Printer on fire', state: 'open' });
    await receive(a, record.id);
    spec.platform.records.delete(record.id);
    const before = await failures('not_found');
    await spec.drainIn();

    const inbox = spec.di.resolve(InboxService);
    const { items } = await inbox.list(a, { state: 'failed', limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ external_id: record.id, state: 'failed', error_kind: 'not_found', error_status: 404, attempts: 1 })]);
    expect(items[0].last_error).toContain(`no incident ${record.id} that the integration's account can read`);
    expect(await status(a)).toMatchObject({ inbox_depth: 0, inbound_errors: 1, last_inbound_error: items[0].last_error, last_error: items[0].last_error, health: 'attention' });
    expect(await failures('not_found')).toBe(before + 1);

    spec.platform.records.set(record.id, record);
    await inbox.retry(a, items[0].id);
    await spec.drainIn();
    expect((await inbox.list(a, { limit: 10, offset: 0 })).total).toBe(0);
    expect((await status(a)).inbound_errors).toBe(0);
    const incidents = await spec.di.resolve(IncidentService).list(spec.org, { limit: 10, offset: 0 });
    expect(incidents.items.map((i) => i.title)).toEqual(['Printer on fire']);
  });

  it('keeps a read the platform refuses for good at once, with its status and message, and does not hold up later events', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Hidden by an ACL', state: 'open' });
    await receive(a, record.id);
    spec.platform.readFailures.push({ status: 403 });
    await spec.drainIn();
    const inbox = spec.di.resolve(InboxService);
    const [failed] = (await inbox.list(a, { state: 'failed', limit: 10, offset: 0 })).items;
    expect(failed).toMatchObject({ error_kind: 'rejected', error_status: 403, last_error: `inbound: The memory platform refused reading incident ${record.id}: HTTP 403` });

    // A later event of the same record reads it afresh and supersedes the failed one.
    spec.platform.edit(record.id, { summary: 'Visible again' });
    await receive(a, record.id);
    await spec.drainIn();
    expect((await inbox.list(a, { limit: 10, offset: 0 })).total).toBe(0);
    const incidents = await spec.di.resolve(IncidentService).list(spec.org, { limit: 10, offset: 0 });
    expect(incidents.items.map((i) => i.title)).toEqual(['Visible again']);
  });

  it('keeps an event as failed once transient failures exhaust its retries, and discards it on request', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Flaky', state: 'open' });
    await receive(a, record.id);
    spec.platform.readFailures.push({ status: 503 }, { status: 503 });
    await spec.drainIn();
    expect((await status(a))).toMatchObject({ inbox_depth: 1, inbound_errors: 0 });
    spec.offsetMs += 60_000;
    await spec.drainIn();
    const inbox = spec.di.resolve(InboxService);
    const [failed] = (await inbox.list(a, { state: 'failed', limit: 10, offset: 0 })).items;
    expect(failed).toMatchObject({ error_kind: 'exhausted', error_status: 503, attempts: 2 });
    expect(failed.last_error).toContain('gave up after 2 attempts');
    await expect(inbox.retry(a, '999999')).rejects.toMatchObject({ status: 404 });
    await expect(inbox.discard(a, 'not-a-number')).rejects.toMatchObject({ status: 404 });
    await inbox.discard(a, failed.id);
    expect((await status(a)).inbound_errors).toBe(0);
  });

  it('shows until when a rate-limited integration waits, why, and how many jobs wait', async () => {
    const a = await spec.integration('a');
    const record = spec.platform.add('incident', { summary: 'Busy platform', state: 'open' });
    await receive(a, record.id);
    spec.platform.readFailures.push({ status: 429, retryAfterSeconds: 120 });
    await spec.drainIn();
    const limited = (await status(a)).rate_limited;
    expect(limited).toMatchObject({ jobs_waiting: 1, reason: expect.stringContaining('refused reading incident') });
    expect(new Date(limited?.until ?? 0).getTime() - spec.clock.now().getTime()).toBeGreaterThanOrEqual(119_000);
    spec.offsetMs += 121_000;
    expect((await status(a)).rate_limited).toBeNull();
  });
});
