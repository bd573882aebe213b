import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { IntegrationService } from '../integrations/IntegrationService';
import { CreateIntegrationSchema } from '../integrations/integrationSchemas';
import { openDatabase } from '../persistence/createDataSource';
import { Organization } from '../persistence/entities/Organization';
import { IncidentService } from '../records/IncidentService';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { createSyncContainer } from '../testing/syncContainer';
import { MemoryPlatform } from '../testing/MemoryPlatform';
import { ConflictService } from './ConflictService';
import { DeadLetterQueue } from './DeadLetterQueue';
import { InboundProcessor } from './InboundProcessor';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { runBatch } from './lanes';
import { OutboundWorker } from './OutboundWorker';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from './SyncSettings';
import { trace } from '@opentelemetry/api';

describe('sync engine (outbound worker, inbound processor, conflicts, dead letters)', () => {
  let database: TestDatabase;
  let db: DataSource;
  let di: DependencyContainer;
  let platform: MemoryPlatform;
  let offsetMs = 0;
  const org = randomUUID();
  const settings: SyncSettings = { ...DEFAULT_SYNC_SETTINGS, backoffBaseMs: 1_000, maxRetries: 2, concurrency: 4 };
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    await db.getRepository(Organization).insert({ id: org, name: 'sync-spec' });
    platform = new MemoryPlatform();
    di = createSyncContainer({ db, platform, clock, settings });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM incidents; DELETE FROM integration_configurations; DELETE FROM sync_rate_events`);
    platform.records.clear();
    platform.writes.length = 0;
    platform.failures.length = 0;
    offsetMs = 0;
  });

  const integration = async (name: string, extra: Record<string, unknown> = {}) =>
    (await di.resolve(IntegrationService).create(org, CreateIntegrationSchema.parse({ name, type: 'memory', base_url: 'http://memory.test', credentials: { token: 't' }, direction: 'bidirectional', ...extra }))).id;
  const drain = async () => {
    const worker = di.resolve(OutboundWorker);
    while ((await runBatch(worker, 'spec', settings.concurrency)) > 0);
  };
  const link = async (incidentId: string, integrationId: string) =>
    (await db.query(`SELECT * FROM incident_external_links WHERE incident_id = $1 AND integration_id = $2`, [incidentId, integrationId]))[0];
  const span = trace.getTracer('spec').startSpan('spec');

  it('creates the record once, then updates only the fields that changed, and skips unchanged syncs', async () => {
    const a = await integration('a');
    const incidents = di.resolve(IncidentService);
    const incident = await incidents.create(org, { title: 'Disk full', status: 'new', priority: 'P2' });
    await drain();
    expect(platform.writes).toEqual([expect.objectContaining({ op: 'create', correlationId: incident.id, fields: { summary: 'Disk full', state: 'open', prio: '2', owner: null } })]);
    await incidents.update(org, incident.id, { status: 'acknowledged' });
    await incidents.update(org, incident.id, { status: 'in_progress' });
    await drain();
    // Two hub statuses share one platform state: the second change is no change there.
    expect(platform.writes.slice(1)).toEqual([expect.objectContaining({ op: 'update', fields: { state: 'working' } })]);
    expect((await link(incident.id, a)).sync_status).toBe('synced');
  });

  it('creates only the incidents the integration create_filter admits', async () => {
    const a = await integration('a', { settings: { create_filter: { priority: ['P1', 'P2'] } } });
    const incidents = di.resolve(IncidentService);
    const urgent = await incidents.create(org, { title: 'Urgent', status: 'new', priority: 'P1' });
    const minor = await incidents.create(org, { title: 'Minor', status: 'new', priority: 'P4' });
    await drain();
    expect(platform.writes.map((w) => (w as { correlationId?: string }).correlationId)).toEqual([urgent.id]);
    expect(await link(minor.id, a)).toBeUndefined();
  });

  it('looks a create up after a lost answer instead of creating it twice', async () => {
    await integration('a');
    platform.failures.push({ kind: 'lost' });
    const incident = await di.resolve(IncidentService).create(org, { title: 'Lost answer', status: 'new' });
    await drain();
    offsetMs += 60_000;
    await drain();
    expect(platform.writes.filter((w) => w.op === 'create')).toHaveLength(1);
    expect([...platform.records.values()].filter((r) => r.correlationId === incident.id)).toHaveLength(1);
  });

  it('retries transient failures with backoff, then buries them; a dead letter can be retried', async () => {
    const a = await integration('a');
    platform.failures.push({ kind: 'transient' }, { kind: 'transient' }, { kind: 'transient', message: 'Service Unavailable' });
    const incident = await di.resolve(IncidentService).create(org, { title: 'Flaky', status: 'new' });
    await drain();
    expect(platform.writes).toHaveLength(1);
    for (let i = 0; i < 3; i += 1) {
      offsetMs += 10 * 60_000;
      await drain();
    }
    const dlq = di.resolve(DeadLetterQueue);
    const { items } = await dlq.list(a, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ attempts: 3, error_message: expect.stringContaining('Service Unavailable') })]);
    expect((await link(incident.id, a)).sync_status).toBe('dead_letter');
    await dlq.retry(a, items[0].id);
    await drain();
    expect([...platform.records.values()].filter((r) => r.correlationId === incident.id)).toHaveLength(1);
    expect((await link(incident.id, a)).sync_status).toBe('synced');
  });

  it('sends permanent failures to the dead letter queue at once', async () => {
    const a = await integration('a');
    platform.failures.push({ kind: 'permanent', message: 'Field owner is invalid' });
    await di.resolve(IncidentService).create(org, { title: 'Bad', status: 'new' });
    await drain();
    expect(platform.writes).toHaveLength(1);
    expect((await di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 })).items[0].error_message).toBe('Field owner is invalid');
  });

  it('says "change discarded" on the link after its dead letter is discarded, until the next successful sync', async () => {
    const a = await integration('a');
    platform.failures.push({ kind: 'permanent', message: 'Field owner is invalid' });
    const incidents = di.resolve(IncidentService);
    const incident = await incidents.create(org, { title: 'Bad', status: 'new' });
    await drain();
    const dlq = di.resolve(DeadLetterQueue);
    await dlq.discard(a, (await dlq.list(a, { limit: 10, offset: 0 })).items[0].id);
    expect(await link(incident.id, a)).toMatchObject({ sync_status: 'error', last_error: 'change discarded' });
    await incidents.update(org, incident.id, { title: 'Good' });
    await drain();
    expect(await link(incident.id, a)).toMatchObject({ sync_status: 'synced' });
  });

  it('never exceeds the integration rate limit', async () => {
    await integration('a', { rate_limit_per_minute: 2 });
    const incidents = di.resolve(IncidentService);
    for (let i = 0; i < 3; i += 1) await incidents.create(org, { title: `R${i}`, status: 'new' });
    await drain();
    expect(platform.writes).toHaveLength(2);
    offsetMs += 61_000;
    await drain();
    expect(platform.writes).toHaveLength(3);
  });

  it('applies a platform change, fans it out to the others and never echoes it back', async () => {
    const a = await integration('a');
    const b = await integration('b');
    const incident = await di.resolve(IncidentService).create(org, { title: 'Hub and spoke', status: 'new' });
    await drain();
    const onA = (await link(incident.id, a)).external_id;
    const edited = platform.edit(onA, { state: 'done' }, 'Fixed by restarting');
    const runtime = (await di.resolve(IntegrationRuntimes).load(a))!;
    platform.writes.length = 0;
    expect(await di.resolve(InboundProcessor).apply(runtime, edited, span)).toBe('updated');
    await drain();
    const onB = (await link(incident.id, b)).external_id;
    expect(platform.writes).toEqual([
      expect.objectContaining({ op: 'update', id: onB, fields: { state: 'done' } }),
      expect.objectContaining({ op: 'comment', id: onB, body: 'Fixed by restarting' }),
    ]);
    // The same state read again (an echo, or a poll) changes nothing.
    expect(await di.resolve(InboundProcessor).apply(runtime, structuredClone(platform.records.get(onA)!), span)).toBe('unchanged');
    const onBRecord = structuredClone(platform.records.get(onB)!);
    const runtimeB = (await di.resolve(IntegrationRuntimes).load(b))!;
    expect(await di.resolve(InboundProcessor).apply(runtimeB, onBRecord, span)).toBe('unchanged');
  });

  it('manual review holds the field on both sides until resolved; use external fans out', async () => {
    const a = await integration('a', { conflict_strategy: 'manual-review' });
    const b = await integration('b');
    const incidents = di.resolve(IncidentService);
    const incident = await incidents.create(org, { title: 'Conflict', status: 'new', priority: 'P3' });
    await drain();
    const onA = (await link(incident.id, a)).external_id;
    await incidents.update(org, incident.id, { priority: 'P2' });
    const edited = platform.edit(onA, { prio: '1' });
    const runtime = (await di.resolve(IntegrationRuntimes).load(a))!;
    await di.resolve(InboundProcessor).apply(runtime, edited, span);
    platform.writes.length = 0;
    await drain();
    // B gets the hub's P2; A's priority is held.
    expect(platform.writes.map((w) => [w.op, (w as { id?: string }).id])).toEqual([['update', (await link(incident.id, b)).external_id]]);
    const conflicts = di.resolve(ConflictService);
    const { items } = await conflicts.list(org, { status: 'pending', limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ field_name: 'priority', platform_value: 'P2', external_value: 'P1' })]);
    platform.writes.length = 0;
    await conflicts.resolve(org, items[0].id, 'external');
    await drain();
    expect((await incidents.get(org, incident.id)).priority).toBe('P1');
    expect(platform.writes).toEqual([expect.objectContaining({ op: 'update', id: (await link(incident.id, b)).external_id, fields: { prio: '1' } })]);
  });

  it('last-write-wins within the window lets the platform (hub) win with a corrective write', async () => {
    const a = await integration('a', { conflict_strategy: 'last-write-wins' });
    const incidents = di.resolve(IncidentService);
    const incident = await incidents.create(org, { title: 'Race', status: 'new' });
    await drain();
    const onA = (await link(incident.id, a)).external_id;
    await incidents.update(org, incident.id, { title: 'Race (hub)' });
    const edited = platform.edit(onA, { summary: 'Race (platform)' });
    await di.resolve(InboundProcessor).apply((await di.resolve(IntegrationRuntimes).load(a))!, edited, span);
    await drain();
    expect(platform.records.get(onA)!.fields.summary).toBe('Race (hub)');
    expect((await incidents.get(org, incident.id)).title).toBe('Race (hub)');
  });
});
