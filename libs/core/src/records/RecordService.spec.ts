import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../persistence/createDataSource';
import { Organization } from '../persistence/entities/Organization';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { MemoryPlatform } from '../testing/MemoryPlatform';
import { createSyncContainer } from '../testing/syncContainer';
import { IntegrationService } from '../integrations/IntegrationService';
import { CreateIntegrationSchema } from '../integrations/integrationSchemas';
import { DEFAULT_SYNC_SETTINGS } from '../sync/SyncSettings';
import { RecordService } from './RecordService';

/** API writes go in one statement each, without a row lock: concurrent updates must not lose one another. */
describe('RecordService API writes', () => {
  let database: TestDatabase;
  let db: DataSource;
  const org = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    await db.getRepository(Organization).insert({ id: org, name: 'records-spec' });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('applies concurrent updates of one record each once, with one outbox job per applied change', async () => {
    const di = createSyncContainer({ db, platform: new MemoryPlatform(), clock: { now: () => new Date() }, settings: DEFAULT_SYNC_SETTINGS });
    await di.resolve(IntegrationService).create(org, CreateIntegrationSchema.parse({ name: 'm', type: 'memory', base_url: 'http://memory.test', credentials: { token: 't' }, direction: 'outbound' }));
    const records = di.resolve(RecordService);
    const incident = await records.create(org, 'incident', { title: 'Racing', status: 'new' });
    expect(await db.query(`SELECT fields FROM sync_outbox WHERE record_id = $1`, [incident.id])).toEqual([{ fields: expect.arrayContaining(['title', 'status']) }]);
    const updates: Array<Record<string, string>> = [{ title: 'Racing 1' }, { priority: 'P2' }, { assignee: 'ana@example.com' }, { description: 'several writers' }, { status: 'in_progress' }];
    await Promise.all(updates.map((patch) => records.update(org, 'incident', incident.id, patch)));
    const final = await records.get(org, 'incident', incident.id);
    expect(final.values).toEqual(expect.objectContaining({ title: 'Racing 1', priority: 'P2', assignee: 'ana@example.com', description: 'several writers', status: 'in_progress' }));
    expect(final.version).toBe(incident.version + updates.length);
    expect(await db.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE record_id = $1`, [incident.id])).toEqual([{ n: 1 + updates.length }]);
    // An update that changes nothing writes nothing.
    await records.update(org, 'incident', incident.id, { title: 'Racing 1' });
    expect((await records.get(org, 'incident', incident.id)).version).toBe(final.version);
  });
});
