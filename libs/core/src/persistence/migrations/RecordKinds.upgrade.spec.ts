import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { DataSource } from 'typeorm';
import { MappingService } from '../../mapping/MappingService';
import { OwnershipService } from '../../ownership/OwnershipService';
import { IncidentService } from '../../records/IncidentService';
import { SecretBox } from '../../security/SecretBox';
import { ConflictService } from '../../sync/ConflictService';
import { DeadLetterQueue } from '../../sync/DeadLetterQueue';
import { InboxWorker } from '../../sync/InboxWorker';
import { IntegrationRuntimes } from '../../sync/IntegrationRuntimes';
import { runBatch } from '../../sync/lanes';
import { LinkService } from '../../sync/LinkService';
import { OutboundWorker } from '../../sync/OutboundWorker';
import { DEFAULT_SYNC_SETTINGS } from '../../sync/SyncSettings';
import { createTestDatabase, type TestDatabase } from '../../testing/createTestDatabase';
import { createSyncContainer } from '../../testing/syncContainer';
import { MemoryPlatform } from '../../testing/MemoryPlatform';
import { openDatabase } from '../createDataSource';
import { Foundation1764000000000 } from './1764000000000-Foundation';
import { IncidentSync1764100000000 } from './1764100000000-IncidentSync';

/**
 * A database at the incident-only schema, holding one of everything the engine keeps, upgraded to
 * the one schema for every kind: every row is carried over and works afterwards.
 */
describe('upgrade to one schema for every kind', () => {
  let database: TestDatabase;
  let db: DataSource;
  let di: DependencyContainer;
  const platform = new MemoryPlatform();
  const box = new SecretBox(Buffer.alloc(32, 5));
  const org = randomUUID();
  const integration = randomUUID();
  const incident = randomUUID();
  const pendingIncident = randomUUID();
  const comment = randomUUID();
  const conflict = randomUUID();
  const deadLetter = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    const old = new DataSource({ type: 'postgres', url: database.url, poolSize: 1, migrations: [Foundation1764000000000, IncidentSync1764100000000], migrationsTableName: 'migrations' });
    await old.initialize();
    await old.runMigrations({ transaction: 'each' });
    await seedOldSchema(old);
    await old.destroy();

    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    di = createSyncContainer({ db, platform, clock: { now: () => new Date() }, settings: { ...DEFAULT_SYNC_SETTINGS, concurrency: 2 }, secrets: box });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  async function seedOldSchema(old: DataSource): Promise<void> {
    platform.records.set('S1', { kind: 'incident', id: 'S1', number: 'MEM-1', version: '3', correlationId: incident, fields: { summary: 'Disk full (platform)', state: 'working', prio: '2', owner: null }, comments: [{ id: 'c9', body: 'Seen on the platform', visibility: 'public' }] });
    const q = (sql: string, params: unknown[] = []) => old.query(sql, params);
    await q(`INSERT INTO organizations (id, name) VALUES ($1, 'upgrade')`, [org]);
    await q(`INSERT INTO integration_configurations (id, organization_id, integration_type, name, base_url, credentials_encrypted, credential_keys, sync_direction, conflict_strategy, settings, field_mappings)
             VALUES ($1, $2, 'memory', 'mem', 'http://memory.test', $3, '["token"]', 'bidirectional', 'manual-review', '{"poll_interval_seconds": 60}', $4::jsonb)`,
    [integration, org, box.sealJson({ token: 't' }), JSON.stringify([{ field: 'title', externalField: 'summary', direction: 'bidirectional' }, { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: { new: 'open', in_progress: 'working' } }])]);
    await q(`INSERT INTO field_ownership (id, integration_id, field_name, owner, priority) VALUES ($1, $2, 'title', 'external', 7)`, [randomUUID(), integration]);
    await q(`INSERT INTO incidents (id, organization_id, title, status, priority, origin) VALUES ($1, $2, 'Disk full', 'in_progress', 'P2', 'hub'), ($3, $2, 'Never sent', 'new', NULL, $4)`, [incident, org, pendingIncident, integration]);
    await q(`INSERT INTO incident_comments (id, incident_id, body, visibility, origin) VALUES ($1, $2, 'Working on it', 'public', 'hub')`, [comment, incident]);
    await q(`INSERT INTO incident_external_links (id, incident_id, integration_id, external_id, external_number, sync_status, last_synced_version, base)
             VALUES ($1, $2, $3, 'S1', 'MEM-1', 'conflict', '2', '{"summary": "Disk full", "state": "working"}')`, [randomUUID(), incident, integration]);
    await q(`INSERT INTO incident_comment_links (comment_id, integration_id, external_comment_id) VALUES ($1, $2, NULL)`, [comment, integration]);
    await q(`INSERT INTO conflict_records (id, organization_id, incident_id, integration_id, field_name, external_field, platform_value, external_value, base_value, status, strategy)
             VALUES ($1, $2, $3, $4, 'priority', 'prio', 'P2', 'P1', 'P3', 'pending', 'manual-review')`, [conflict, org, incident, integration]);
    await q(`INSERT INTO dead_letter_entries (id, organization_id, integration_id, incident_id, kind, origin, error_message, error_status, error_kind, attempts)
             VALUES ($1, $2, $3, $4, 'incident', 'hub', 'title is reserved', 400, 'user', 1)`, [deadLetter, org, integration, pendingIncident]);
    await q(`INSERT INTO sync_outbox (organization_id, integration_id, incident_id, kind, comment_id, origin) VALUES ($1, $2, $3, 'comment', $4, 'hub')`, [org, integration, incident, comment]);
    await q(`INSERT INTO sync_inbox (organization_id, integration_id, external_id, delivery_id, source, event) VALUES ($1, $2, 'S1', 'd-1', 'webhook', $3::jsonb)`,
      [org, integration, JSON.stringify({ type: 'updated', record: { kind: 'incident', id: 'S1', version: '3', fields: {} } })]);
    await q(`INSERT INTO sync_cursors (integration_id, cursor) VALUES ($1, '42')`, [integration]);
    await q(`INSERT INTO external_call_audit (organization_id, integration_id, method, path, status, duration_ms) VALUES ($1, $2, 'GET', '/api/incident', 200, 12)`, [org, integration]);
  }

  it('keeps incidents, comments, links (also through the incident view), mappings, ownership, cursors and the audit', async () => {
    const incidents = di.resolve(IncidentService);
    expect(await incidents.get(org, incident)).toEqual(expect.objectContaining({ title: 'Disk full', status: 'in_progress', priority: 'P2' }));
    expect((await incidents.comments(org, incident)).map((c) => c.body)).toEqual(['Working on it']);
    expect(await di.resolve(LinkService).forRecord(org, 'incident', incident)).toEqual([
      expect.objectContaining({ record_kind: 'incident', incident_id: incident, external_id: 'S1', sync_status: 'conflict', sync_direction: 'published' }),
    ]);
    const view = await db.query(`SELECT incident_id, external_id, last_synced_hash FROM incident_external_links WHERE integration_id = $1`, [integration]);
    expect(view).toEqual([expect.objectContaining({ incident_id: incident, external_id: 'S1' })]);
    const row = await di.resolve(IntegrationRuntimes).load(integration);
    expect(row?.mappingsFor('incident').map((m) => m.field)).toEqual(['title', 'status']);
    expect(di.resolve(MappingService).get(row!.row)).toEqual(expect.objectContaining({ kind: 'incident', source: 'custom' }));
    expect((await di.resolve(OwnershipService).list(integration)).map((r) => [r.recordKind, r.fieldName, r.priority])).toEqual([['incident', 'title', 7]]);
    expect(await db.query(`SELECT record_kind, cursor FROM sync_cursors WHERE integration_id = $1`, [integration])).toEqual([{ record_kind: 'incident', cursor: '42' }]);
    expect(await db.query(`SELECT operation, http_status, status FROM integration_sync_log WHERE integration_id = $1`, [integration])).toEqual([{ operation: 'request', http_status: 200, status: 'success' }]);
  });

  it('resolves the carried-over conflict, delivers the queued comment and processes the queued webhook', async () => {
    const conflicts = di.resolve(ConflictService);
    const { items } = await conflicts.list(org, { status: 'pending', limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ id: conflict, record_kind: 'incident', incident_id: incident, field_name: 'priority' })]);
    await conflicts.resolve(org, conflict, 'external');
    expect((await di.resolve(IncidentService).get(org, incident)).priority).toBe('P1');

    while ((await runBatch(di.resolve(OutboundWorker), 'spec', 2)) > 0);
    expect(platform.writes).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'comment', id: 'S1', body: 'Working on it' })]));

    while ((await runBatch(di.resolve(InboxWorker), 'spec', 2)) > 0);
    const incidents = di.resolve(IncidentService);
    // The title's owner is the platform, so its value comes in; the platform comment is imported once.
    expect((await incidents.get(org, incident)).title).toBe('Disk full (platform)');
    expect((await incidents.comments(org, incident)).map((c) => c.body)).toEqual(['Working on it', 'Seen on the platform']);
  });

  it('retries the carried-over dead letter entry', async () => {
    const dlq = di.resolve(DeadLetterQueue);
    const { items } = await dlq.list(integration, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ id: deadLetter, record_kind: 'incident', record_id: pendingIncident, incident_id: pendingIncident, job: 'record', error_status: 400 })]);
    await dlq.retry(integration, deadLetter);
    while ((await runBatch(di.resolve(OutboundWorker), 'spec', 2)) > 0);
    expect(platform.writes).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'create', correlationId: pendingIncident })]));
    expect(await di.resolve(LinkService).forRecord(org, 'incident', pendingIncident)).toEqual([expect.objectContaining({ sync_status: 'synced' })]);
  });
});
