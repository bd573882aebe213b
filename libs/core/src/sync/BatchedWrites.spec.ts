import 'reflect-metadata';
import { RecordService } from '../records/RecordService';
import { EngineSpec } from '../testing/engineSpec';
import { TEST_CI_KIND, TEST_CI_MEMORY_KIND } from '../testing/testKinds';
import { DeadLetterQueue } from './DeadLetterQueue';

/**
 * Batched writes through the memory platform, whose items go five creates to a call (costing one
 * rate-limit unit) and five updates to a call (one unit each): one claim hands the adapter whole
 * batches, and results stay per operation.
 */
describe('batched writes', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 3, backoffBaseMs: 1_000, concurrency: 10 }, memoryKinds: { test_ci: TEST_CI_MEMORY_KIND }, kinds: [TEST_CI_KIND] });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());
  const items = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) ids.push((await spec.di.resolve(RecordService).create(spec.org, 'test_ci', { name: `item-${i}` })).id);
    return ids;
  };
  const linked = async (integrationId: string) =>
    (await spec.db.query(`SELECT count(*)::int AS n FROM integration_sync_map WHERE integration_id = $1 AND sync_status = 'synced' AND external_id IS NOT NULL`, [integrationId]))[0].n;
  const created = () => spec.platform.writes.filter((w) => w.op === 'create').map((w) => (w.op === 'create' ? w.correlationId : ''));

  it('hands the adapter whole batches of the declared size, in one claim, keeping lane order', async () => {
    const a = await spec.integration('a', { direction: 'outbound' });
    const ids = await items(10);
    expect(await spec.round()).toBe(10);
    expect(spec.platform.calls.map((call) => call.length)).toEqual([5, 5]);
    expect(created()).toEqual(ids);
    expect(await linked(a)).toBe(10);
    const service = spec.di.resolve(RecordService);
    for (const id of ids.slice(0, 7)) await service.update(spec.org, 'test_ci', id, { environment: 'test' });
    await spec.drainOut();
    expect(spec.platform.calls.slice(2).map((call) => call.map((op) => op.op))).toEqual([['update', 'update', 'update', 'update', 'update'], ['update', 'update']]);
    expect(await spec.db.query(`SELECT count(*)::int AS n FROM sync_outbox`)).toEqual([{ n: 0 }]);
  });

  it('keeps a failed operation in the middle of a batch to itself: its neighbours are recorded once, it alone retries, then is dead-lettered', async () => {
    const a = await spec.integration('a', { direction: 'outbound' });
    const ids = await items(5);
    // The third operation is refused; the others succeed.
    spec.platform.failures.push(undefined, undefined, { kind: 'permanent', message: 'label is reserved' });
    await spec.round();
    expect(spec.platform.calls).toHaveLength(1);
    expect(await linked(a)).toBe(4);
    const { items: buried } = await spec.di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 });
    expect(buried).toEqual([expect.objectContaining({ record_id: ids[2], error_message: 'label is reserved', error_kind: 'user' })]);
    expect(await spec.round()).toBe(0);
    expect(created()).toHaveLength(5);
  });

  it('looks each operation up after a batch whose answer was lost, and creates nothing twice', async () => {
    const a = await spec.integration('a', { direction: 'outbound' });
    const ids = await items(5);
    spec.platform.failures.push({ kind: 'transient', message: '503 on one item' });
    spec.platform.callFailures.push('lost');
    await spec.round();
    // The call applied four items and lost every answer: all five retry, and find what exists.
    expect(await linked(a)).toBe(0);
    spec.offsetMs = 10_000;
    await spec.drainOut();
    expect(await linked(a)).toBe(5);
    const onPlatform = [...spec.platform.records.values()].map((r) => r.correlationId).sort();
    expect(onPlatform).toEqual([...ids].sort());
    expect(created().filter((id) => id === ids[0])).toHaveLength(2);
    expect(created().filter((id) => id !== ids[0])).toHaveLength(4);
  });

  it('counts a batch as the rate-limit units the adapter declares', async () => {
    // Two units a minute: two calls of five creates (one unit each) fit; five separate updates do not.
    const a = await spec.integration('a', { direction: 'outbound', rate_limit_per_minute: 2 });
    const ids = await items(10);
    await spec.drainOut();
    expect(await linked(a)).toBe(10);
    for (const id of ids.slice(0, 3)) await spec.di.resolve(RecordService).update(spec.org, 'test_ci', id, { environment: 'test' });
    await spec.round();
    expect(spec.platform.writes.filter((w) => w.op === 'update')).toHaveLength(0);
    const waiting = await spec.db.query(`SELECT count(*)::int AS n, min(attempts)::int AS attempts FROM sync_outbox WHERE integration_id = $1 AND last_error LIKE 'rate limit reached%'`, [a]);
    expect(waiting).toEqual([{ n: 3, attempts: 0 }]);
  });
});
