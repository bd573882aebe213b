import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { SecretBox } from '@itsm-hub/core';
import { createTestDatabase, type TestDatabase } from '@itsm-hub/core/testing';
import { ADMIN_TOKEN } from './hubFixture';
import { hubApi, killHub, killStrayHubs, spawnHub, stopHub } from './hubProcess';
import { eventually, serviceNowCopies } from './syncHelpers';

/** The default lease: a restarted hub that waited it out would take at least this long. */
const LEASE_MS = 60_000;

// A real server is what the liveness lock needs; the embedded case is the hub's own database.
const databases = process.env.DATABASE_URL ? ['postgres', 'embedded'] : ['embedded'];

describe.each(databases)('after kill -9, a restarted hub on %s resumes the dead process\'s leased jobs at once', (database) => {
  afterEach(killStrayHubs);
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  let snow: ServiceNowEmulatorHandle;
  let env: Record<string, string>;

  beforeAll(async () => {
    snow = await startEmulator();
    if (database === 'postgres') {
      db = await createTestDatabase();
      env = { DATABASE_URL: db.url, HUB_DB_POOL_SIZE: String(db.poolSize), HUB_ENCRYPTION_KEY: SecretBox.generateKey() };
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'itsm-crash-'));
      env = { HUB_DATA_DIR: dataDir, HUB_PRINT_ADMIN_TOKEN: 'false' };
    }
    // The lease stays at its default: waiting it out would take a minute.
    Object.assign(env, { HUB_ADMIN_TOKEN: ADMIN_TOKEN, INCIDENTS_SYNC_BACKOFF_BASE: '20ms', HUB_HTTP_TIMEOUT_MS: '5000' });
  });

  afterAll(async () => {
    await snow?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every incident once, well inside the lease', async () => {
    const call = (url: string, method: string, p: string, body?: unknown) => hubApi(url, ADMIN_TOKEN, method, p, body);
    const first = await spawnHub(env);
    const integration = await call(first.url, 'POST', '/api/v1/integrations', {
      name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' },
    });
    // Creates that take seconds: the kill lands while they are leased and in flight.
    snow.emulator.setFaultProfile({ latency_ms: 3_000, path_prefix: '/api/now/table/incident' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await call(first.url, 'POST', '/api/v1/incidents', { title: `Crash ${i}` })).id);
    const links = async (url: string) => (await call(url, 'GET', `/api/v1/integrations/${integration.id}/links?limit=500`)).items as Array<{ sync_status: string }>;
    // A link appears as its create is sent.
    await eventually(() => links(first.url), (items) => items.length >= 1, 'creates in flight');
    await killHub(first.child);
    snow.emulator.clearFaults();

    const second = await spawnHub(env);
    const restarted = Date.now();
    try {
      await eventually(async () => (await links(second.url)).filter((l) => l.sync_status === 'synced').length, (n) => n === ids.length, 'every incident synced after restart', LEASE_MS);
      const resumedAfterMs = Date.now() - restarted;
      expect(second.output()).toContain('resumed jobs leased by hub processes that are gone');
      // Well inside the lease: the dead process's jobs were taken back, not waited out (its unanswered
      // creates only once HUB_HTTP_TIMEOUT_MS has passed, so the ones still landing are found, not repeated).
      expect(resumedAfterMs).toBeLessThan(LEASE_MS / 2);
      expect(await serviceNowCopies(snow.url, ids)).toEqual(ids.map(() => 1));
      expect((await call(second.url, 'GET', `/api/v1/integrations/${integration.id}/sync-status`)).outbox_depth).toBe(0);
    } finally {
      await stopHub(second.child);
    }
  }, 2 * LEASE_MS);
});
