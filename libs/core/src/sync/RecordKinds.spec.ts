import 'reflect-metadata';
import { EngineSpec, MEMORY_WEBHOOK_SECRET } from '../testing/engineSpec';
import { TEST_CI_KIND, TEST_CI_MEMORY_KIND } from '../testing/testKinds';
import { RecordService } from '../records/RecordService';
import { trace } from '@opentelemetry/api';
import { ConflictService } from './ConflictService';
import { DeadLetterQueue } from './DeadLetterQueue';
import { InboundProcessor } from './InboundProcessor';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { Poller } from './Poller';
import { SyncMetrics } from './SyncMetrics';
import { WebhookReceiver } from './WebhookReceiver';

/**
 * The engine with a second kind (a minimal configuration item with a reference and a list, no
 * journal, no table of its own) through the memory platform: no worker knows the kind.
 */
describe('sync engine with a second record kind', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 1, concurrency: 4 }, memoryKinds: { test_ci: TEST_CI_MEMORY_KIND }, kinds: [TEST_CI_KIND] });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const linkOf = async (recordId: string, integrationId: string) =>
    (await spec.db.query(`SELECT * FROM integration_sync_map WHERE entity_type = 'test_ci' AND entity_id = $1 AND integration_id = $2`, [recordId, integrationId]))[0];
  const records = () => spec.di.resolve(RecordService);

  it('creates items in dependency order with references as platform ids, then updates only what changed', async () => {
    const a = await spec.integration('a');
    const db1 = await records().create(spec.org, 'test_ci', { name: 'db-01', environment: 'production', tags: ['sql', 'eu'] });
    await spec.drainOut();
    const app = await records().create(spec.org, 'test_ci', { name: 'billing', depends_on: { kind: 'test_ci', id: db1.id }, tags: [] });
    await spec.drainOut();
    const dbOnPlatform = (await linkOf(db1.id, a)).external_id;
    expect(spec.platform.writes).toEqual([
      expect.objectContaining({ op: 'create', kind: 'test_ci', correlationId: db1.id, fields: { label: 'db-01', env: 'prod', parent: null, tags: ['sql', 'eu'], owned_by: null } }),
      expect.objectContaining({ op: 'create', kind: 'test_ci', correlationId: app.id, fields: expect.objectContaining({ parent: { kind: 'test_ci', id: dbOnPlatform } }) }),
    ]);
    await records().update(spec.org, 'test_ci', db1.id, { tags: ['sql', 'eu', 'tier1'] });
    await spec.drainOut();
    expect(spec.platform.writes[2]).toEqual(expect.objectContaining({ op: 'update', id: dbOnPlatform, fields: { tags: ['sql', 'eu', 'tier1'] } }));
    expect((await linkOf(db1.id, a)).sync_direction).toBe('published');
  });

  it('brings platform changes in through a signed webhook, resolving references to hub ids, without echoing them', async () => {
    const a = await spec.integration('a');
    const b = await spec.integration('b');
    const db1 = await records().create(spec.org, 'test_ci', { name: 'db-01' });
    const app = await records().create(spec.org, 'test_ci', { name: 'billing' });
    await spec.drainOut();
    const dbOnA = (await linkOf(db1.id, a)).external_id;
    const appOnA = (await linkOf(app.id, a)).external_id;
    spec.platform.edit(appOnA, { parent: { kind: 'test_ci', id: dbOnA }, env: 'test' });
    spec.platform.writes.length = 0;
    const receipt = await spec.di.resolve(WebhookReceiver).receive(a, spec.platform.webhook(appOnA, MEMORY_WEBHOOK_SECRET));
    expect(receipt).toEqual({ queued: 1, duplicates: 0, echoes: 0 });
    await spec.drainIn();
    const updated = await records().get(spec.org, 'test_ci', app.id);
    expect(updated.values).toEqual(expect.objectContaining({ depends_on: { kind: 'test_ci', id: db1.id }, environment: 'test' }));
    await spec.drainOut();
    // B gets the change with its own id of the referenced item; A gets nothing back.
    expect(spec.platform.writes).toEqual([
      expect.objectContaining({ op: 'update', id: (await linkOf(app.id, b)).external_id, fields: { env: 'test', parent: { kind: 'test_ci', id: (await linkOf(db1.id, b)).external_id } } }),
    ]);
    await expect(spec.di.resolve(WebhookReceiver).receive(a, spec.platform.webhook(appOnA, 'wrong-secret-value'))).rejects.toThrow();
  });

  it('removes the echo that overtook a write when the write is recorded, and counts it, with no claim of it', async () => {
    const a = await spec.integration('a');
    const item = await records().create(spec.org, 'test_ci', { name: 'db-04' });
    await spec.drainOut();
    const onA = (await linkOf(item.id, a)).external_id;
    await records().update(spec.org, 'test_ci', item.id, { name: 'db-04b' });
    const receipts: unknown[] = [];
    // The memory platform's webhooks carry no values, so while the write runs the event cannot be told from a change and waits.
    spec.platform.beforeAnswer.push(async () => {
      receipts.push(await spec.di.resolve(WebhookReceiver).receive(a, spec.platform.webhook(onA, MEMORY_WEBHOOK_SECRET)));
      expect(await spec.db.query(`SELECT count(*)::int AS n FROM sync_inbox WHERE integration_id = $1`, [a])).toEqual([{ n: 1 }]);
    });
    const echoes = async () => (await spec.di.resolve(SyncMetrics).jobs.get()).values.find((v) => v.labels.integration_type === 'echo')?.value ?? 0;
    const before = await echoes();
    await spec.drainOut();
    expect(receipts).toEqual([{ queued: 1, duplicates: 0, echoes: 0 }]);
    expect(await spec.db.query(`SELECT count(*)::int AS n FROM sync_inbox WHERE integration_id = $1`, [a])).toEqual([{ n: 0 }]);
    expect(await echoes()).toBe(before + 1);
    expect((await linkOf(item.id, a)).last_synced_version).toBe(spec.platform.records.get(onA)!.version);
  });

  it('does not take a read that caught the hub\'s own write half done, and leaves the record as written', async () => {
    const a = await spec.integration('a');
    const item = await records().create(spec.org, 'test_ci', { name: 'db-05' });
    await spec.drainOut();
    const onA = (await linkOf(item.id, a)).external_id;
    await records().update(spec.org, 'test_ci', item.id, { name: 'db-05b' });
    const outcomes: string[] = [];
    // A read while the write runs sees one of its steps (a Jira status one transition short of where it goes).
    spec.platform.beforeAnswer.push(async () => {
      const written = spec.platform.records.get(onA)!;
      const halfDone = { ...structuredClone(written), fields: { ...written.fields, label: 'db-05-half' } };
      const runtime = (await spec.di.resolve(IntegrationRuntimes).load(a))!;
      outcomes.push(await spec.di.resolve(InboundProcessor).apply(runtime, halfDone, trace.getTracer('spec').startSpan('spec')));
    });
    await spec.drainOut();
    expect(outcomes).toEqual(['writing']);
    expect((await records().get(spec.org, 'test_ci', item.id)).values.name).toBe('db-05b');
    expect((await linkOf(item.id, a)).base).toEqual(expect.objectContaining({ label: 'db-05b' }));
  });

  it('polls each kind on its own cursor and creates hub items from platform items', async () => {
    const a = await spec.integration('a', { settings: { poll_interval_seconds: 1 } });
    const created = spec.platform.add('test_ci', { label: 'edge-router', env: 'prod', tags: ['network'] });
    expect(await spec.di.resolve(Poller).runOnce('spec')).toBeGreaterThanOrEqual(1);
    await spec.drainIn();
    const link = (await spec.db.query(`SELECT * FROM integration_sync_map WHERE integration_id = $1 AND external_id = $2`, [a, created.id]))[0];
    expect(link).toEqual(expect.objectContaining({ entity_type: 'test_ci', sync_direction: 'subscribed' }));
    expect((await records().get(spec.org, 'test_ci', link.entity_id)).values).toEqual(expect.objectContaining({ name: 'edge-router', environment: 'production', tags: ['network'] }));
    const cursors = await spec.db.query(`SELECT record_kind FROM sync_cursors WHERE integration_id = $1 ORDER BY record_kind`, [a]);
    expect(cursors.map((c: { record_kind: string }) => c.record_kind)).toEqual(['incident', 'test_ci']);
  });

  it('records a conflict on a list field under manual review and resolves it with the platform value', async () => {
    const a = await spec.integration('a', { conflict_strategy: 'manual-review' });
    const item = await records().create(spec.org, 'test_ci', { name: 'db-02', tags: ['a'] });
    await spec.drainOut();
    const onA = (await linkOf(item.id, a)).external_id;
    await records().update(spec.org, 'test_ci', item.id, { tags: ['hub'] });
    spec.platform.edit(onA, { tags: ['platform'] });
    await spec.di.resolve(WebhookReceiver).receive(a, spec.platform.webhook(onA, MEMORY_WEBHOOK_SECRET));
    await spec.drainIn();
    const conflicts = spec.di.resolve(ConflictService);
    const { items } = await conflicts.list(spec.org, { kind: 'test_ci', status: 'pending', limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ record_kind: 'test_ci', record_id: item.id, incident_id: null, field_name: 'tags', platform_value: '["hub"]', external_value: '["platform"]' })]);
    await conflicts.resolve(spec.org, items[0].id, 'external');
    expect((await records().get(spec.org, 'test_ci', item.id)).values.tags).toEqual(['platform']);
    expect((await linkOf(item.id, a)).sync_status).toBe('synced');
  });

  it('dead-letters an item whose write the platform refuses, with its kind, and retries it', async () => {
    const a = await spec.integration('a');
    spec.platform.failures.push({ kind: 'permanent', message: 'label is reserved' });
    const item = await records().create(spec.org, 'test_ci', { name: 'reserved' });
    await spec.drainOut();
    const dlq = spec.di.resolve(DeadLetterQueue);
    const { items } = await dlq.list(a, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ record_kind: 'test_ci', record_id: item.id, incident_id: null, job: 'record', error_message: 'label is reserved' })]);
    expect((await linkOf(item.id, a)).sync_status).toBe('dead_letter');
    await dlq.retry(a, items[0].id);
    await spec.drainOut();
    expect((await linkOf(item.id, a)).sync_status).toBe('synced');
  });

  it('sends a kind only where the integration direction for that kind allows it', async () => {
    const a = await spec.integration('a', { kind_directions: { test_ci: 'inbound' } });
    await records().create(spec.org, 'test_ci', { name: 'not-published' });
    await spec.di.resolve(RecordService).create(spec.org, 'incident', { title: 'Published', status: 'new' });
    const jobs = await spec.db.query(`SELECT record_kind FROM sync_outbox WHERE integration_id = $1`, [a]);
    expect(jobs).toEqual([{ record_kind: 'incident' }]);
  });
});
