import { Client } from 'pg';
import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { SecretBox } from '@itsm-hub/core';
import { createTestDatabase, type TestDatabase } from '@itsm-hub/core/testing';
import { ADMIN_TOKEN } from './hubFixture';
import { hubApi, killStrayHubs, spawnHub, stopHub } from './hubProcess';
import { eventually } from './syncHelpers';

const describeOnServer = process.env.DATABASE_URL ? describe : describe.skip;

/** Two hub processes share one PostgreSQL database, as a deployment with replicas does. */
describeOnServer('a scheduled reconciliation across two hub processes', () => {
  afterEach(killStrayHubs);
  let db: TestDatabase;
  let sql: Client;
  let snow: ServiceNowEmulatorHandle;

  beforeAll(async () => {
    [db, snow] = await Promise.all([createTestDatabase(), startEmulator()]);
  });

  afterAll(async () => {
    await sql?.end();
    await snow?.close();
    await db?.drop();
  });

  const ticksFired = async (url: string, outcome: string) => {
    const text = await fetch(`${url}/metrics`).then((r) => r.text());
    return Number(new RegExp(`itsm_schedule_ticks_total\\{type="reconcile",outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('runs once per tick: each process inserts the tick, only the one whose insert succeeds runs it', async () => {
    const env = { DATABASE_URL: db.url, HUB_DB_POOL_SIZE: '4', HUB_ENCRYPTION_KEY: SecretBox.generateKey(), HUB_ADMIN_TOKEN: ADMIN_TOKEN };
    const [a, b] = await Promise.all([spawnHub(env), spawnHub(env)]);
    const call = (url: string, method: string, p: string, body?: unknown) => hubApi(url, ADMIN_TOKEN, method, p, body);
    const integration = await call(a.url, 'POST', '/api/v1/integrations', { name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' } });
    const refused = await fetch(`${a.url}/api/v1/integrations/${integration.id}/reconcile/schedule`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ cron: 'every two seconds' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'cron' })]);

    // Every second; set through one process, picked up by both from the database.
    const schedule = await call(a.url, 'POST', `/api/v1/integrations/${integration.id}/reconcile/schedule`, { cron: '* * * * * *', dry_run: true });
    expect(schedule).toMatchObject({ cron: '* * * * * *', timezone: 'UTC', dry_run: true, next_run_at: expect.any(String) });
    expect(await call(b.url, 'GET', `/api/v1/integrations/${integration.id}/reconcile/schedule`)).toMatchObject({ id: schedule.id });

    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const tally = async () => (await sql.query(
      `SELECT (SELECT count(*)::int FROM sync_runs WHERE trigger = 'schedule') AS runs,
              (SELECT count(*)::int FROM sync_schedule_ticks WHERE run_id IS NOT NULL) AS started,
              (SELECT count(DISTINCT run_id)::int FROM sync_schedule_ticks WHERE run_id IS NOT NULL) AS distinct_runs`,
    )).rows[0] as { runs: number; started: number; distinct_runs: number };
    // Both processes' crons fired for the same ticks, and for each such tick one of them found it taken.
    await eventually(async () => (await ticksFired(a.url, 'taken')) + (await ticksFired(b.url, 'taken')), (n) => n >= 3, 'ticks the other process had taken', 30_000);
    const settled = await eventually(tally, (t) => t.started >= 3 && t.runs === t.started, 'one run per started tick', 30_000);
    expect(settled.distinct_runs).toBe(settled.started);
    const claimed = (await ticksFired(a.url, 'claimed')) + (await ticksFired(b.url, 'claimed'));
    expect(claimed).toBeGreaterThanOrEqual(settled.started);

    const removed = await fetch(`${b.url}/api/v1/integrations/${integration.id}/reconcile/schedule`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(removed.status).toBe(204);
    const runs = await call(a.url, 'GET', `/api/v1/sync-runs?integration=${integration.id}&limit=500`);
    expect(runs.items.every((r: { trigger: string; type: string }) => r.trigger === 'schedule' && r.type === 'reconcile')).toBe(true);
    await Promise.all([stopHub(a.child), stopHub(b.child)]);
  });
});
