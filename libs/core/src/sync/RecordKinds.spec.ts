import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { IntegrationService } from '../integrations/IntegrationService';
import { CreateIntegrationSchema } from '../integrations/integrationSchemas';
import { openDatabase } from '../persistence/createDataSource';
import { Organization } from '../persistence/entities/Organization';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { RecordService } from '../records/RecordService';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { createSyncContainer } from '../testing/syncContainer';
import { MemoryPlatform } from '../testing/MemoryPlatform';
import { TEST_CI_KIND, TEST_CI_MEMORY_KIND } from '../testing/testKinds';
import { ConflictService } from './ConflictService';
import { DeadLetterQueue } from './DeadLetterQueue';
import { InboxWorker } from './InboxWorker';
import { runBatch } from './lanes';
import { OutboundWorker } from './OutboundWorker';
import { Poller } from './Poller';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from './SyncSettings';
import { WebhookReceiver } from './WebhookReceiver';

/**
 * The engine with a second kind (a minimal configuration item with a reference and a list, no
 * journal, no table of its own) through the memory platform: no worker knows the kind.
 */
describe('sync engine with a second record kind', () => {
  let database: TestDatabase;
  let db: DataSource;
  let di: DependencyContainer;
  let platform: MemoryPlatform;
  let offsetMs = 0;
  const org = randomUUID();
  const settings: SyncSettings = { ...DEFAULT_SYNC_SETTINGS, maxRetries: 1, concurrency: 4 };
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const SECRET = 'memory-webhook-secret';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    await db.getRepository(Organization).insert({ id: org, name: 'kinds-spec' });
    platform = new MemoryPlatform({ test_ci: TEST_CI_MEMORY_KIND });
    di = createSyncContainer({ db, platform, clock, settings });
    di.resolve(RecordKinds).register(TEST_CI_KIND);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM hub_records; DELETE FROM integration_configurations; DELETE FROM sync_rate_events`);
    platform.records.clear();
    platform.writes.length = 0;
    platform.failures.length = 0;
    offsetMs = 0;
  });

  const integration = async (name: string, extra: Record<string, unknown> = {}) =>
    (await di.resolve(IntegrationService).create(org, CreateIntegrationSchema.parse({
      name, type: 'memory', base_url: 'http://memory.test', credentials: { token: 't' }, direction: 'bidirectional', webhook_secret: SECRET, ...extra,
    }))).id;
  const drainOut = async () => {
    const worker = di.resolve(OutboundWorker);
    while ((await runBatch(worker, 'spec', settings.concurrency)) > 0);
  };
  const drainIn = async () => {
    const worker = di.resolve(InboxWorker);
    while ((await runBatch(worker, 'spec', settings.concurrency)) > 0);
  };
  const linkOf = async (recordId: string, integrationId: string) =>
    (await db.query(`SELECT * FROM integration_sync_map WHERE entity_type = 'test_ci' AND entity_id = $1 AND integration_id = $2`, [recordId, integrationId]))[0];
  const records = () => di.resolve(RecordService);

  it('creates items in dependency order with references as platform ids, then updates only what changed', async () => {
    const a = await integration('a');
    const db1 = await records().create(org, 'test_ci', { name: 'db-01', environment: 'production', tags: ['sql', 'eu'] });
    await drainOut();
    const app = await records().create(org, 'test_ci', { name: 'billing', depends_on: { kind: 'test_ci', id: db1.id }, tags: [] });
    await drainOut();
    const dbOnPlatform = (await linkOf(db1.id, a)).external_id;
    expect(platform.writes).toEqual([
      expect.objectContaining({ op: 'create', kind: 'test_ci', correlationId: db1.id, fields: { label: 'db-01', env: 'prod', parent: null, tags: ['sql', 'eu'], owned_by: null } }),
      expect.objectContaining({ op: 'create', kind: 'test_ci', correlationId: app.id, fields: expect.objectContaining({ parent: { kind: 'test_ci', id: dbOnPlatform } }) }),
    ]);
    await records().update(org, 'test_ci', db1.id, { tags: ['sql', 'eu', 'tier1'] });
    await drainOut();
    expect(platform.writes[2]).toEqual(expect.objectContaining({ op: 'update', id: dbOnPlatform, fields: { tags: ['sql', 'eu', 'tier1'] } }));
    expect((await linkOf(db1.id, a)).sync_direction).toBe('published');
  });

  it('brings platform changes in through a signed webhook, resolving references to hub ids, without echoing them', async () => {
    const a = await integration('a');
    const b = await integration('b');
    const db1 = await records().create(org, 'test_ci', { name: 'db-01' });
    const app = await records().create(org, 'test_ci', { name: 'billing' });
    await drainOut();
    const dbOnA = (await linkOf(db1.id, a)).external_id;
    const appOnA = (await linkOf(app.id, a)).external_id;
    platform.edit(appOnA, { parent: { kind: 'test_ci', id: dbOnA }, env: 'test' });
    platform.writes.length = 0;
    const receipt = await di.resolve(WebhookReceiver).receive(a, platform.webhook(appOnA, SECRET));
    expect(receipt).toEqual({ queued: 1, duplicates: 0, echoes: 0 });
    await drainIn();
    const updated = await records().get(org, 'test_ci', app.id);
    expect(updated.values).toEqual(expect.objectContaining({ depends_on: { kind: 'test_ci', id: db1.id }, environment: 'test' }));
    await drainOut();
    // B gets the change with its own id of the referenced item; A gets nothing back.
    expect(platform.writes).toEqual([
      expect.objectContaining({ op: 'update', id: (await linkOf(app.id, b)).external_id, fields: { env: 'test', parent: { kind: 'test_ci', id: (await linkOf(db1.id, b)).external_id } } }),
    ]);
    await expect(di.resolve(WebhookReceiver).receive(a, platform.webhook(appOnA, 'wrong-secret-value'))).rejects.toThrow();
  });

  it('polls each kind on its own cursor and creates hub items from platform items', async () => {
    const a = await integration('a', { settings: { poll_interval_seconds: 1 } });
    const created = platform.add('test_ci', { label: 'edge-router', env: 'prod', tags: ['network'] });
    expect(await di.resolve(Poller).runOnce('spec')).toBeGreaterThanOrEqual(1);
    await drainIn();
    const link = (await db.query(`SELECT * FROM integration_sync_map WHERE integration_id = $1 AND external_id = $2`, [a, created.id]))[0];
    expect(link).toEqual(expect.objectContaining({ entity_type: 'test_ci', sync_direction: 'subscribed' }));
    expect((await records().get(org, 'test_ci', link.entity_id)).values).toEqual(expect.objectContaining({ name: 'edge-router', environment: 'production', tags: ['network'] }));
    const cursors = await db.query(`SELECT record_kind FROM sync_cursors WHERE integration_id = $1 ORDER BY record_kind`, [a]);
    expect(cursors.map((c: { record_kind: string }) => c.record_kind)).toEqual(['incident', 'test_ci']);
  });

  it('records a conflict on a list field under manual review and resolves it with the platform value', async () => {
    const a = await integration('a', { conflict_strategy: 'manual-review' });
    const item = await records().create(org, 'test_ci', { name: 'db-02', tags: ['a'] });
    await drainOut();
    const onA = (await linkOf(item.id, a)).external_id;
    await records().update(org, 'test_ci', item.id, { tags: ['hub'] });
    platform.edit(onA, { tags: ['platform'] });
    await di.resolve(WebhookReceiver).receive(a, platform.webhook(onA, SECRET));
    await drainIn();
    const conflicts = di.resolve(ConflictService);
    const { items } = await conflicts.list(org, { kind: 'test_ci', status: 'pending', limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ record_kind: 'test_ci', record_id: item.id, incident_id: null, field_name: 'tags', platform_value: '["hub"]', external_value: '["platform"]' })]);
    await conflicts.resolve(org, items[0].id, 'external');
    expect((await records().get(org, 'test_ci', item.id)).values.tags).toEqual(['platform']);
    expect((await linkOf(item.id, a)).sync_status).toBe('synced');
  });

  it('dead-letters an item whose write the platform refuses, with its kind, and retries it', async () => {
    const a = await integration('a');
    platform.failures.push({ kind: 'permanent', message: 'label is reserved' });
    const item = await records().create(org, 'test_ci', { name: 'reserved' });
    await drainOut();
    const dlq = di.resolve(DeadLetterQueue);
    const { items } = await dlq.list(a, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ record_kind: 'test_ci', record_id: item.id, incident_id: null, job: 'record', error_message: 'label is reserved' })]);
    expect((await linkOf(item.id, a)).sync_status).toBe('dead_letter');
    await dlq.retry(a, items[0].id);
    await drainOut();
    expect((await linkOf(item.id, a)).sync_status).toBe('synced');
  });

  it('sends a kind only where the integration direction for that kind allows it', async () => {
    const a = await integration('a', { kind_directions: { test_ci: 'inbound' } });
    await records().create(org, 'test_ci', { name: 'not-published' });
    await di.resolve(RecordService).create(org, 'incident', { title: 'Published', status: 'new' });
    const jobs = await db.query(`SELECT record_kind FROM sync_outbox WHERE integration_id = $1`, [a]);
    expect(jobs).toEqual([{ record_kind: 'incident' }]);
  });
});
