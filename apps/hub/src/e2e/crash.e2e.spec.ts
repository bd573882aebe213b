import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { SecretBox } from '@itsm-hub/core';
import { createTestDatabase, type TestDatabase } from '@itsm-hub/core/testing';
import { ADMIN_TOKEN } from './hubFixture';
import { hubApi, killHub, killStrayHubs, spawnHub, stopHub } from './hubProcess';
import { eventually, serviceNowCopies } from './syncHelpers';


describe('a hub killed mid-run (SIGKILL) loses nothing and duplicates nothing after restart', () => {
  afterEach(killStrayHubs);
  let db: TestDatabase;
  let snow: ServiceNowEmulatorHandle;

  beforeAll(async () => {
    [db, snow] = await Promise.all([createTestDatabase(), startEmulator()]);
  });

  afterAll(async () => {
    await snow?.close();
    await db?.drop();
  });

  it('resumes leased and pending outbox entries; ambiguous creates are looked up, not repeated', async () => {
    const env = {
      DATABASE_URL: db.url,
      HUB_DB_POOL_SIZE: String(db.poolSize),
      HUB_ENCRYPTION_KEY: SecretBox.generateKey(),
      HUB_ADMIN_TOKEN: ADMIN_TOKEN,
      INCIDENTS_SYNC_BACKOFF_BASE: '20ms',
      // The killed hub's leases must expire before its jobs are taken again.
      INCIDENTS_SYNC_LEASE: '3s',
      HUB_HTTP_TIMEOUT_MS: '1000',
    };
    const call = (url: string, method: string, p: string, body?: unknown) => hubApi(url, ADMIN_TOKEN, method, p, body);
    const first = await spawnHub(env);
    const integration = await call(first.url, 'POST', '/api/v1/integrations', {
      name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' },
    });
    // Slow creates, some of whose answers are lost: the kill lands while calls are in flight.
    snow.emulator.setFaultProfile({ latency_ms: 40, timeout_rate: 0.2, seed: 11, path_prefix: '/api/now/table/incident' });
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push((await call(first.url, 'POST', '/api/v1/incidents', { title: `Crash ${i}` })).id);
    const linked = async (url: string) => (await call(url, 'GET', `/api/v1/integrations/${integration.id}/links?limit=500`)).items.filter((l: { sync_status: string }) => l.sync_status === 'synced').length;
    await eventually(() => linked(first.url), (n) => n >= 3, 'a few incidents synced before the kill');
    await killHub(first.child);

    const second = await spawnHub(env);
    try {
      await eventually(() => linked(second.url), (n) => n === ids.length, 'every incident synced after restart', 60_000);
      snow.emulator.clearFaults();
      expect(await serviceNowCopies(snow.url, ids)).toEqual(ids.map(() => 1));
      expect((await call(second.url, 'GET', `/api/v1/integrations/${integration.id}/sync-status`)).outbox_depth).toBe(0);
    } finally {
      await stopHub(second.child);
    }
  });
});
