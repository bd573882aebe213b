import 'reflect-metadata';
import { RecordService } from '../records/RecordService';
import { EngineSpec, MEMORY_WEBHOOK_SECRET } from '../testing/engineSpec';
import { TEST_APP_KIND, TEST_CHAIN_MEMORY_KINDS, TEST_CI_KIND, TEST_CI_MEMORY_KIND, TEST_REL_KIND, TEST_SERVER_KIND } from '../testing/testKinds';
import { DeadLetterQueue } from './DeadLetterQueue';
import { wakeMissedWaiters } from './stores/ReferenceWaits';
import { WebhookReceiver } from './WebhookReceiver';

/**
 * References in dependency order through the memory platform, which refuses a reference to a
 * record it does not hold (as a CMDB does): a record is written after the records it refers to,
 * whatever order its jobs were claimed in.
 */
describe('references in dependency order', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 2, backoffBaseMs: 1_000, concurrency: 8 }, memoryKinds: { ...TEST_CHAIN_MEMORY_KINDS, test_ci: TEST_CI_MEMORY_KIND }, kinds: [TEST_APP_KIND, TEST_SERVER_KIND, TEST_REL_KIND, TEST_CI_KIND] });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());
  const records = () => spec.di.resolve(RecordService);
  const ref = (kind: string, id: string) => ({ kind, id });
  const externalId = async (kind: string, recordId: string, integrationId: string): Promise<string> =>
    (await spec.db.query(`SELECT external_id FROM integration_sync_map WHERE entity_type = $1 AND entity_id = $2 AND integration_id = $3`, [kind, recordId, integrationId]))[0]?.external_id;
  const jobOf = async (kind: string, recordId: string) => (await spec.db.query(`SELECT waiting_on, lease_owner, last_error FROM sync_outbox WHERE record_kind = $1 AND record_id = $2`, [kind, recordId]))[0];
  const createdKinds = () => spec.platform.writes.filter((w) => w.op === 'create').map((w) => w.kind);
  const chain = async () => {
    const app = await records().create(spec.org, 'test_app', { name: 'billing' });
    const server = await records().create(spec.org, 'test_server', { name: 'srv-01', runs: ref('test_app', app.id) });
    const rel = await records().create(spec.org, 'test_rel', { name: 'srv-01 runs billing', parent: ref('test_server', server.id), child: ref('test_app', app.id) });
    return { app, server, rel };
  };

  it('parks a chain of three kinds until each end is written, then writes it in dependency order with platform ids', async () => {
    const a = await spec.integration('a');
    const { app, server, rel } = await chain();
    // The application's first write fails: the server and the relationship were claimed in the
    // same round and wait, unclaimed, instead of failing on the platform or retrying blindly.
    spec.platform.failures.push({ kind: 'transient', message: 'unavailable' });
    expect(await spec.round()).toBe(3);
    expect(createdKinds()).toEqual(['test_app']);
    expect(await jobOf('test_server', server.id)).toEqual({ waiting_on: [`test_app/${app.id}`], lease_owner: null, last_error: expect.stringContaining('runs → test_app') });
    expect((await jobOf('test_rel', rel.id)).waiting_on.sort()).toEqual([`test_app/${app.id}`, `test_server/${server.id}`].sort());
    const pendingLink = (await spec.db.query(`SELECT sync_status, last_error FROM integration_sync_map WHERE entity_type = 'test_rel' AND entity_id = $1`, [rel.id]))[0];
    expect(pendingLink).toEqual({ sync_status: 'pending', last_error: expect.stringContaining('Waiting for referenced records') });
    // Nothing is claimable until the application's retry is due: waiting jobs are not polled.
    expect(await spec.round()).toBe(0);
    spec.offsetMs = 10_000;
    await spec.drainOut();
    expect(createdKinds()).toEqual(['test_app', 'test_app', 'test_server', 'test_rel']);
    const appId = await externalId('test_app', app.id, a);
    const serverId = await externalId('test_server', server.id, a);
    expect(spec.platform.writes.at(-2)).toEqual(expect.objectContaining({ kind: 'test_server', fields: { label: 'srv-01', app: ref('test_app', appId) } }));
    expect(spec.platform.writes.at(-1)).toEqual(expect.objectContaining({ kind: 'test_rel', fields: { label: 'srv-01 runs billing', parent: ref('test_server', serverId), child: ref('test_app', appId) } }));
    expect(await spec.db.query(`SELECT count(*)::int AS n FROM sync_outbox`)).toEqual([{ n: 0 }]);
    expect(await spec.db.query(`SELECT DISTINCT sync_status, last_error FROM integration_sync_map WHERE integration_id = $1`, [a])).toEqual([{ sync_status: 'synced', last_error: null }]);
  });

  it('dead-letters a record whose referenced record was dead-lettered, naming the reference and the reason', async () => {
    const a = await spec.integration('a');
    const { app, server, rel } = await chain();
    spec.platform.failures.push({ kind: 'permanent', message: 'application name is reserved' });
    await spec.drainOut();
    const { items } = await spec.di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 });
    const byKind = Object.fromEntries(items.map((i) => [i.record_kind, i]));
    expect(byKind.test_app).toEqual(expect.objectContaining({ record_id: app.id, error_message: 'application name is reserved' }));
    expect(byKind.test_server).toEqual(expect.objectContaining({ record_id: server.id, error_kind: 'user', error_message: expect.stringContaining(`runs refers to test_app ${app.id}, whose write to a is in the dead letter queue`) }));
    expect(byKind.test_rel.error_message).toContain(`child refers to test_app ${app.id}, whose write to a is in the dead letter queue`);
    expect(createdKinds()).toEqual(['test_app']);
  });

  it('dead-letters a reference cycle and a reference to a record deleted while it waited', async () => {
    const a = await spec.integration('a');
    const first = await records().create(spec.org, 'test_ci', { name: 'first' });
    const second = await records().create(spec.org, 'test_ci', { name: 'second', depends_on: ref('test_ci', first.id) });
    await records().update(spec.org, 'test_ci', first.id, { depends_on: ref('test_ci', second.id) });
    await spec.drainOut();
    const dlq = spec.di.resolve(DeadLetterQueue);
    const buried = (await dlq.list(a, { limit: 10, offset: 0 })).items;
    // A record that sees the cycle names it; one that parked first may learn instead that its
    // reference was dead-lettered.
    const cycle = 'a reference cycle that no order of writes can satisfy';
    expect(buried.map((i) => i.error_message)).toEqual(expect.arrayContaining([expect.stringContaining(cycle)]));
    for (const { error_message } of buried) expect(error_message.includes(cycle) || error_message.includes('whose write to a is in the dead letter queue')).toBe(true);
    expect(new Set(buried.map((i) => i.record_id))).toEqual(new Set([first.id, second.id]));
    expect(spec.platform.writes).toEqual([]);

    const app = await records().create(spec.org, 'test_app', { name: 'doomed' });
    const server = await records().create(spec.org, 'test_server', { name: 'srv-02', runs: ref('test_app', app.id) });
    spec.platform.failures.push({ kind: 'transient' });
    await spec.round();
    expect((await jobOf('test_server', server.id)).waiting_on).toEqual([`test_app/${app.id}`]);
    await spec.db.query(`DELETE FROM hub_records WHERE id = $1`, [app.id]);
    await spec.drainOut();
    const deleted = (await dlq.list(a, { limit: 10, offset: 0 })).items.find((i) => i.record_id === server.id);
    expect(deleted?.error_message).toContain(`runs refers to test_app ${app.id}, which no longer exists in the hub`);
  });

  it('wakes a waiting job that a write missed, and leaves alone one whose reference is still on its way', async () => {
    const a = await spec.integration('a');
    const { app, server } = await chain();
    spec.platform.failures.push({ kind: 'transient' });
    await spec.round();
    expect(await wakeMissedWaiters(spec.db)).toBe(0);
    // As if the application's write had committed just before the server's job was parked.
    await spec.db.query(`UPDATE integration_sync_map SET external_id = 'R-late' WHERE entity_type = 'test_app' AND entity_id = $1 AND integration_id = $2`, [app.id, a]);
    expect(await wakeMissedWaiters(spec.db)).toBe(2);
    expect((await jobOf('test_server', server.id)).waiting_on).toBeNull();
  });

  it('keeps an inbound reference pending until the referenced platform record arrives, then fills it in', async () => {
    const a = await spec.integration('a');
    const appOnPlatform = spec.platform.add('test_app', { label: 'payroll' });
    const serverOnPlatform = spec.platform.add('test_server', { label: 'srv-03', app: ref('test_app', appOnPlatform.id) });
    const receiver = spec.di.resolve(WebhookReceiver);
    await receiver.receive(a, spec.platform.webhook(serverOnPlatform.id, MEMORY_WEBHOOK_SECRET));
    await spec.drainIn();
    const [{ entity_id: serverId }] = await spec.db.query(`SELECT entity_id FROM integration_sync_map WHERE integration_id = $1 AND external_id = $2`, [a, serverOnPlatform.id]);
    const server = await records().get(spec.org, 'test_server', serverId);
    expect(server.values).toEqual(expect.objectContaining({ name: 'srv-03' }));
    expect(server.values.runs ?? null).toBeNull();
    expect(await records().pendingReferences(spec.org, 'test_server', serverId)).toEqual([
      expect.objectContaining({ integration_id: a, field_name: 'runs', value: ref('test_app', appOnPlatform.id), waiting_on: [`test_app/${appOnPlatform.id}`] }),
    ]);

    await receiver.receive(a, spec.platform.webhook(appOnPlatform.id, MEMORY_WEBHOOK_SECRET));
    await spec.drainIn();
    const [{ entity_id: appId }] = await spec.db.query(`SELECT entity_id FROM integration_sync_map WHERE integration_id = $1 AND external_id = $2`, [a, appOnPlatform.id]);
    expect((await records().get(spec.org, 'test_server', serverId)).values.runs).toEqual(ref('test_app', appId));
    expect(await records().pendingReferences(spec.org, 'test_server', serverId)).toEqual([]);
    // The filled reference came from the platform: nothing is written back to it.
    await spec.drainOut();
    expect(spec.platform.writes).toEqual([]);
  });
});
