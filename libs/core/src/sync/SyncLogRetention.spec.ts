import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../persistence/createDataSource';
import { MemoryLogger } from '../testing/createTestAdapterContext';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { SyncLogRetention } from './SyncLogRetention';

describe('sync log retention', () => {
  let database: TestDatabase;
  let db: DataSource;
  let now = new Date('2026-12-01T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('removes rows older than the retention period, at most once an hour', async () => {
    const insert = (at: string) =>
      db.query(`INSERT INTO integration_sync_log (organization_id, integration_id, method, path, duration_ms, created_at) VALUES ('o', 'i', 'GET', '/x', 1, $1)`, [at]);
    await insert('2026-10-01T00:00:00Z');
    await insert('2026-11-20T00:00:00Z');
    const retention = new SyncLogRetention(db, { now: () => now }, new MemoryLogger(), { publicUrl: '', httpTimeoutMs: 1, auditRetentionMs: 30 * 24 * 3_600_000 });
    await retention.runOnce();
    expect((await db.query(`SELECT created_at FROM integration_sync_log`)).map((r: { created_at: Date }) => r.created_at.toISOString())).toEqual(['2026-11-20T00:00:00.000Z']);
    await insert('2026-10-02T00:00:00Z');
    now = new Date('2026-12-01T12:30:00Z');
    await retention.runOnce();
    expect(await db.query(`SELECT count(*)::int AS n FROM integration_sync_log`)).toEqual([{ n: 2 }]);
    now = new Date('2026-12-01T13:01:00Z');
    await retention.runOnce();
    expect(await db.query(`SELECT count(*)::int AS n FROM integration_sync_log`)).toEqual([{ n: 1 }]);
  });
});
