import { createServer } from 'node:net';
import type { Adapter, ConnectionCheck } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from './index';
import { pagerDutyError, startEmulator, type RunningPagerDutyEmulator } from './emulator';

let pd: RunningPagerDutyEmulator;

beforeAll(async () => {
  pd = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await pd.close();
});
afterEach(async () => {
  await fetch(`${pd.url}/_emulator/faults`, { method: 'DELETE' });
});

function adapter(options: { credentials?: Record<string, unknown>; settings?: Record<string, unknown>; baseUrl?: string } = {}): Adapter {
  return plugin.create(
    createTestAdapterContext({ baseUrl: options.baseUrl ?? pd.url, credentials: options.credentials ?? pd.credentials, settings: options.settings ?? {} }),
  );
}

const byName = (checks: ConnectionCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('PagerDutyAdapter.testConnection', () => {
  it('passes every check against the emulator with a service and a From email', async () => {
    const checks = await adapter({ settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } }).testConnection();
    expect(checks.map((c) => c.name)).toEqual([
      'reachability',
      'authentication',
      'permission:incidents',
      'permission:service',
      'permission:users',
      'check:from_email',
    ]);
    expect(checks.every((c) => c.passed)).toBe(true);
    const named = byName(checks);
    expect(named['authentication'].status).toBe(200);
    expect(named['permission:service'].message).toContain('PSVC001');
    expect(named['check:from_email'].message).toContain('PUSR001');
  });

  it('checks users without a From email and skips the service check without a service id', async () => {
    const checks = await adapter().testConnection();
    expect(checks.map((c) => c.name)).toEqual(['reachability', 'authentication', 'permission:incidents', 'permission:users']);
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  it('fails authentication with PagerDuty’s message on a wrong token and stops there', async () => {
    const checks = await adapter({ credentials: { token: 'wrong-token' } }).testConnection();
    expect(checks.map((c) => c.name)).toEqual(['reachability', 'authentication']);
    expect(byName(checks)['authentication']).toMatchObject({ passed: false, status: 401, message: 'Authentication failed' });
  });

  it('fails reachability, without throwing, when nothing listens on the port', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const checks = await adapter({ baseUrl: `http://127.0.0.1:${closedPort}` }).testConnection();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'reachability', passed: false });
    expect(checks[0].message).toContain('Connection refused');
  });

  it('reports a 403 on incidents as a failed permission check with the vendor message', async () => {
    pd.emulator.injectFault({ pathPrefix: '/incidents', status: 403, body: pagerDutyError('Access Denied', 2010) });
    const checks = byName(await adapter().testConnection());
    expect(checks['authentication'].passed).toBe(true);
    expect(checks['permission:incidents']).toMatchObject({ passed: false, status: 403, message: 'Access Denied' });
    expect(checks['permission:users'].passed).toBe(true);
  });

  it('fails the service check for a service the account does not have', async () => {
    const checks = byName(await adapter({ settings: { service_id: 'PNOPE99' } }).testConnection());
    expect(checks['permission:service']).toMatchObject({ passed: false, status: 404 });
    expect(checks['permission:service'].message).toBe("Not Found (service 'PNOPE99')");
  });

  it('fails the From email check when no user has exactly that email', async () => {
    pd.store.users.push({ id: 'PUSR002', name: 'Other', email: 'oncall@example.com.au', role: 'user', timeZone: 'Etc/UTC' });
    try {
      const checks = byName(await adapter({ settings: { from_email: 'OnCall@example.com' } }).testConnection());
      expect(checks['check:from_email']).toMatchObject({ passed: true });
      const missing = byName(await adapter({ settings: { from_email: 'nobody@example.com' } }).testConnection());
      expect(missing['permission:users'].passed).toBe(true);
      expect(missing['check:from_email']).toMatchObject({ passed: false, status: 200 });
      expect(missing['check:from_email'].message).toContain('nobody@example.com');
    } finally {
      pd.store.users.pop();
    }
  });

  it('fails authentication with a clear message when PagerDuty answers 200 with a foreign body', async () => {
    pd.emulator.injectFault({ pathPrefix: '/abilities', status: 200, body: { abilities: 'all' } });
    const checks = byName(await adapter().testConnection());
    expect(checks['authentication']).toMatchObject({ passed: false, status: 200 });
    expect(checks['authentication'].message).toMatch(/^PagerDuty answered GET \/abilities with an unexpected body at abilities:/);
  });

  it('reports a 5xx with PagerDuty’s message (count covers the client’s read retries)', async () => {
    pd.emulator.injectFault({ pathPrefix: '/abilities', status: 503, count: 3, body: pagerDutyError('An internal error has occurred. PagerDuty team has been notified.', 2000) });
    const checks = byName(await adapter().testConnection());
    expect(checks['authentication']).toMatchObject({ passed: false, status: 503 });
    expect(checks['authentication'].message).toContain('An internal error has occurred');
  });

  it('reports invalid stored configuration as a failed check instead of calling PagerDuty', async () => {
    const checks = await adapter({ credentials: { token: '' }, settings: { from_email: 'not-an-email' } }).testConnection();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'configuration', passed: false });
    expect(checks[0].message).toContain('credentials.token');
    expect(checks[0].message).toContain('settings.from_email');
  });
});
