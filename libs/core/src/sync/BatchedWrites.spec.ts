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
import { MemoryPlatform } from '../testing/MemoryPlatform';
import { createSyncContainer } from '../testing/syncContainer';
import { TEST_CI_KIND, TEST_CI_MEMORY_KIND } from '../testing/testKinds';
import { DeadLetterQueue } from './DeadLetterQueue';
import { runBatch } from './lanes';
import { OutboundWorker } from './OutboundWorker';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from './SyncSettings';

/**
 * Batched writes through the memory platform, whose items go five creates to a call (costing one
 * rate-limit unit) and five updates to a call (one unit each): one claim hands the adapter whole
 * batches, and results stay per operation.
 */
describe('batched writes', () => {
  let database: TestDatabase;
  let db: DataSource;
  let di: DependencyContainer;
  let platform: MemoryPlatform;
  let offsetMs = 0;
  const org = randomUUID();
  const settings: SyncSettings = { ...DEFAULT_SYNC_SETTINGS, maxRetries: 3, backoffBaseMs: 1_000, concurrency: 10 };
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    await db.getRepository(Organization).insert({ id: org, name: 'batch-spec' });
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
    platform.calls.length = 0;
    platform.failures.length = 0;
    platform.callFailures.length = 0;
    offsetMs = 0;
  });

  const integration = async (extra: Record<string, unknown> = {}) =>
    (await di.resolve(IntegrationService).create(org, CreateIntegrationSchema.parse({
      name: 'a', type: 'memory', base_url: 'http://memory.test', credentials: { token: 't' }, direction: 'outbound', ...extra,
    }))).id;
  const round = () => runBatch(di.resolve(OutboundWorker), 'spec', settings.concurrency);
  const drain = async () => {
    while ((await round()) > 0);
  };
  const items = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) ids.push((await di.resolve(RecordService).create(org, 'test_ci', { name: `item-${i}` })).id);
    return ids;
  };
  const linked = async (integrationId: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM integration_sync_map WHERE integration_id = $1 AND sync_status = 'synced' AND external_id IS NOT NULL`, [integrationId]))[0].n;
  const created = () => platform.writes.filter((w) => w.op === 'create').map((w) => (w.op === 'create' ? w.correlationId : ''));

  it('hands the adapter whole batches of the declared size, in one claim, keeping lane order', async () => {
    const a = await integration();
    const ids = await items(10);
    expect(await round()).toBe(10);
    expect(platform.calls.map((call) => call.length)).toEqual([5, 5]);
    expect(created()).toEqual(ids);
    expect(await linked(a)).toBe(10);
    const service = di.resolve(RecordService);
    for (const id of ids.slice(0, 7)) await service.update(org, 'test_ci', id, { environment: 'test' });
    await drain();
    expect(platform.calls.slice(2).map((call) => call.map((op) => op.op))).toEqual([['update', 'update', 'update', 'update', 'update'], ['update', 'update']]);
    expect(await db.query(`SELECT count(*)::int AS n FROM sync_outbox`)).toEqual([{ n: 0 }]);
  });

  it('keeps a failed operation in the middle of a batch to itself: its neighbours are recorded once, it alone retries, then is dead-lettered', async () => {
    const a = await integration();
    const ids = await items(5);
    // The third operation is refused; the others succeed.
    platform.failures.push(undefined, undefined, { kind: 'permanent', message: 'label is reserved' });
    await round();
    expect(platform.calls).toHaveLength(1);
    expect(await linked(a)).toBe(4);
    const { items: buried } = await di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 });
    expect(buried).toEqual([expect.objectContaining({ record_id: ids[2], error_message: 'label is reserved', error_kind: 'user' })]);
    expect(await round()).toBe(0);
    expect(created()).toHaveLength(5);
  });

  it('looks each operation up after a batch whose answer was lost, and creates nothing twice', async () => {
    const a = await integration();
    const ids = await items(5);
    platform.failures.push({ kind: 'transient', message: '503 on one item' });
    platform.callFailures.push('lost');
    await round();
    // The call applied four items and lost every answer: all five retry, and find what exists.
    expect(await linked(a)).toBe(0);
    offsetMs = 10_000;
    await drain();
    expect(await linked(a)).toBe(5);
    const onPlatform = [...platform.records.values()].map((r) => r.correlationId).sort();
    expect(onPlatform).toEqual([...ids].sort());
    expect(created().filter((id) => id === ids[0])).toHaveLength(2);
    expect(created().filter((id) => id !== ids[0])).toHaveLength(4);
  });

  it('counts a batch as the rate-limit units the adapter declares', async () => {
    // Two units a minute: two calls of five creates (one unit each) fit; five separate updates do not.
    const a = await integration({ rate_limit_per_minute: 2 });
    const ids = await items(10);
    await drain();
    expect(await linked(a)).toBe(10);
    for (const id of ids.slice(0, 3)) await di.resolve(RecordService).update(org, 'test_ci', id, { environment: 'test' });
    await round();
    expect(platform.writes.filter((w) => w.op === 'update')).toHaveLength(0);
    const waiting = await db.query(`SELECT count(*)::int AS n, min(attempts)::int AS attempts FROM sync_outbox WHERE integration_id = $1 AND last_error LIKE 'rate limit reached%'`, [a]);
    expect(waiting).toEqual([{ n: 3, attempts: 0 }]);
  });
});
