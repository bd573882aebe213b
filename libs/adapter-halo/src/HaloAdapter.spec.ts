import { createServer } from 'node:net';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin, { type HaloCredentials } from './index';
import { startEmulator, type HaloEmulatorHandle } from './emulator';

function adapterFor(baseUrl: string, credentials: HaloCredentials) {
  return plugin.create(createTestAdapterContext({ baseUrl, credentials }));
}

function summary(checks: Array<{ name: string; passed: boolean }>) {
  return checks.map((c) => `${c.name}:${c.passed ? 'ok' : 'FAIL'}`);
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('HaloAdapter.testConnection', () => {
  let halo: HaloEmulatorHandle;

  beforeAll(async () => {
    halo = await startEmulator();
  });
  afterAll(() => halo.close());
  afterEach(async () => {
    await fetch(`${halo.url}/_emulator/faults`, { method: 'DELETE' });
  });

  it('passes every check against the emulator with the default credentials', async () => {
    const checks = await adapterFor(halo.url, halo.credentials).testConnection();
    expect(summary(checks)).toEqual(['reachability:ok', 'authentication:ok', 'permission:tickets:ok', 'permission:agents:ok']);
    expect(checks[1]).toMatchObject({ status: 200, message: expect.stringContaining('scope: all') });
    expect(checks[2]).toMatchObject({ status: 200, message: 'Can read tickets (2 visible)' });
    expect(checks.every((c) => typeof c.durationMs === 'number')).toBe(true);
  });

  it('reports a wrong secret as a failed authentication check carrying the vendor error', async () => {
    const checks = await adapterFor(halo.url, { ...halo.credentials, client_secret: 'wrong' }).testConnection();
    expect(summary(checks)).toEqual(['reachability:ok', 'authentication:FAIL']);
    expect(checks[1]).toMatchObject({ status: 400, message: expect.stringMatching(/^invalid_client \(check client_id, client_secret/) });
  });

  it('reports a wrong or missing tenant like an unknown client', async () => {
    const wrongTenant = await adapterFor(halo.url, { ...halo.credentials, tenant: 'other' }).testConnection();
    const { tenant: _omitted, ...withoutTenant } = halo.credentials;
    const noTenant = await adapterFor(halo.url, withoutTenant).testConnection();
    for (const checks of [wrongTenant, noTenant]) {
      expect(checks[1]).toMatchObject({ name: 'authentication', passed: false, status: 400, message: expect.stringContaining('invalid_client') });
    }
  });

  it('reports a closed port as a failed reachability check without throwing', async () => {
    const checks = await adapterFor(await closedPortUrl(), halo.credentials).testConnection();
    expect(summary(checks)).toEqual(['reachability:FAIL']);
    expect(checks[0].message).toMatch(/Connection refused/);
    expect(checks[0].status).toBeUndefined();
  });

  it('reports a missing agents permission as 403 on permission:agents only', async () => {
    const limited = await startEmulator({ permissions: ['read:tickets'] });
    try {
      const checks = await adapterFor(limited.url, limited.credentials).testConnection();
      expect(summary(checks)).toEqual(['reachability:ok', 'authentication:ok', 'permission:tickets:ok', 'permission:agents:FAIL']);
      expect(checks[3]).toMatchObject({ status: 403, message: expect.stringMatching(/^HTTP 403 Forbidden \(grant the API application/) });
    } finally {
      await limited.close();
    }
  });

  it('reports a missing tickets permission on permission:tickets', async () => {
    const limited = await startEmulator({ permissions: ['read:customers'] });
    try {
      const checks = await adapterFor(limited.url, limited.credentials).testConnection();
      expect(checks[2]).toMatchObject({ name: 'permission:tickets', passed: false, status: 403 });
    } finally {
      await limited.close();
    }
  });

  it('reports a malformed ticket listing as a failed check with the schema problem', async () => {
    halo.emulator.injectFault({ pathPrefix: '/api/Tickets', status: 200, body: { tickets: 'nope' } });
    const checks = await adapterFor(halo.url, halo.credentials).testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:tickets', passed: false, status: 200 });
    expect(checks[2].message).toMatch(/unexpected body: record_count: .*; tickets: /);
    expect(checks[3].passed).toBe(true);
  });

  it('reports a server error that outlasts the client retries with the vendor message', async () => {
    halo.emulator.injectFault({ pathPrefix: '/api/Agent', status: 503, body: { message: 'Service is down for maintenance' }, count: 3 });
    const checks = await adapterFor(halo.url, halo.credentials).testConnection();
    expect(checks[3]).toMatchObject({ name: 'permission:agents', passed: false, status: 503, message: 'Service is down for maintenance' });
  });

  it('uses an explicit auth_server and accepts a base_url that ends in /api', async () => {
    const checks = await adapterFor(`${halo.url}/api/`, { ...halo.credentials, auth_server: `${halo.url}/auth/` }).testConnection();
    expect(summary(checks)).toEqual(['reachability:ok', 'authentication:ok', 'permission:tickets:ok', 'permission:agents:ok']);
  });

  it('reports an unreachable resource server when only the auth server answers', async () => {
    const checks = await adapterFor(await closedPortUrl(), { ...halo.credentials, auth_server: `${halo.url}/auth` }).testConnection();
    expect(summary(checks)).toEqual(['reachability:ok', 'authentication:ok', 'reachability:FAIL']);
    expect(checks[2].message).toMatch(/^Halo resource server: Connection refused/);
  });

  it('works against an on-premises instance that has no tenant', async () => {
    const onPrem = await startEmulator({ credentials: { tenant: undefined } });
    try {
      const { tenant: _omitted, ...credentials } = onPrem.credentials;
      const checks = await adapterFor(onPrem.url, credentials).testConnection();
      expect(checks.every((c) => c.passed)).toBe(true);
    } finally {
      await onPrem.close();
    }
  });
});
