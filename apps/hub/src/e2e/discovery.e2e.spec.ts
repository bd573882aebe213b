import { rmSync } from 'node:fs';
import { writeExtraAdapterPackages } from './extraAdapters';
import { startTestHub, type TestHub } from './hubFixture';

describe('adapter discovery', () => {
  const extra = writeExtraAdapterPackages();
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub({ extraAdapters: [extra.compatible, extra.incompatible, extra.broken] });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(extra.dir, { recursive: true, force: true });
  });

  it('loads an adapter package from HUB_ADAPTERS next to the workspace ones', async () => {
    const { body } = await t.api('GET', '/api/v1/adapters');
    expect(body.adapters.map((a: { type: string }) => a.type)).toEqual(['acme', 'halo', 'jira', 'pagerduty', 'servicenow']);
    expect(body.adapters[0]).toMatchObject({ type: 'acme', version: '2.3.4', core_range: '^2.0.0', package: extra.compatible });
  });

  it('refuses an incompatible and a broken adapter with one clear log line each, and still serves', async () => {
    const { body } = await t.api('GET', '/api/v1/adapters');
    expect(body.refused).toEqual([
      { package: extra.incompatible, reason: 'it requires adapter SPI ^1.0.0, this hub provides 2.0.0' },
      { package: extra.broken, reason: 'cannot be loaded: boom at load time' },
    ]);
    const refusals = t.logs.lines.filter((l) => l.includes('refused'));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toContain('itsm-adapter-legacy refused: it requires adapter SPI ^1.0.0, this hub provides 2.0.0');
    expect((await t.api('GET', '/readyz', undefined, null)).status).toBe(200);
  });

  it('uses the discovered adapter for integrations like any other', async () => {
    const created = await t.api('POST', '/api/v1/integrations', { name: 'acme-1', type: 'acme', base_url: 'https://acme.example', credentials: { token: 't0k3n-value' } });
    expect(created.status).toBe(201);
    const test = await t.api('POST', '/api/v1/integrations/acme-1/test');
    expect(test.body).toMatchObject({ success: true, checks: [{ name: 'authentication', passed: true, message: 'extra adapter says hello' }] });
    const bad = await t.api('POST', '/api/v1/integrations', { name: 'acme-2', type: 'acme', base_url: 'https://acme.example', credentials: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'credentials.token', message: 'token is required and is the only field' }]);
    const future = await t.api('POST', '/api/v1/integrations', { name: 'f', type: 'legacy', base_url: 'https://acme.example', credentials: {} });
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('HUB_ERR_ADAPTER_UNKNOWN_TYPE');
  });
});
