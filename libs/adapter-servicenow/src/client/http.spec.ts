import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { authModeOf, ServiceNowClient } from './http';
import { startEmulator, type ServiceNowEmulatorHandle } from '../emulator';
import type { ServiceNowCredentials, ServiceNowSettings } from '../config';

let sn: ServiceNowEmulatorHandle;
let now: number;

beforeAll(async () => {
  sn = await startEmulator({ port: 0, accessTokenLifetimeSeconds: 600 });
});
afterAll(() => sn.close());
beforeEach(() => {
  now = Date.parse('2025-08-01T12:00:00Z');
  sn.emulator.tokens.requests.length = 0;
  sn.emulator.tokens.revokeAccessTokens();
});

function client(credentials: ServiceNowCredentials = sn.credentials, settings: ServiceNowSettings = {}) {
  const context = createTestAdapterContext({ baseUrl: sn.url, credentials, settings, clock: { now: () => new Date(now) } });
  const mode = authModeOf(credentials);
  if (!mode) throw new Error('test credentials have no auth mode');
  return new ServiceNowClient(context.http, context.clock, credentials, settings, mode);
}

describe('authModeOf', () => {
  it('picks the grant from the fields present', () => {
    expect(authModeOf({ username: 'u', password: 'p', client_id: 'c', client_secret: 's' })).toBe('oauth_password');
    expect(authModeOf({ client_id: 'c', client_secret: 's' })).toBe('oauth_client_credentials');
    expect(authModeOf({ username: 'u', password: 'p' })).toBe('basic');
    expect(authModeOf({})).toBeUndefined();
  });
});

describe('ServiceNowClient', () => {
  it('caches the token across calls', async () => {
    const c = client();
    await c.listRecords('incident', { sysparm_limit: '1' });
    const second = await c.listRecords('sys_user', { sysparm_limit: '1' });
    expect(second).toMatchObject({ ok: true, total: 2 });
    expect(sn.emulator.tokens.requests).toEqual(['password']);
  });

  it('renews with the refresh token shortly before expires_in', async () => {
    const c = client();
    await c.listRecords('incident', {});
    now += 539_000;
    await c.listRecords('incident', {});
    expect(sn.emulator.tokens.requests).toEqual(['password']);
    now += 2_000;
    const outcome = await c.listRecords('incident', {});
    expect(outcome.ok).toBe(true);
    expect(sn.emulator.tokens.requests).toEqual(['password', 'refresh_token']);
  });

  it('re-obtains the token once when the instance answers 401', async () => {
    const c = client({ client_id: sn.credentials.client_id, client_secret: sn.credentials.client_secret });
    await c.listRecords('incident', {});
    sn.emulator.tokens.revokeAccessTokens();
    const outcome = await c.listRecords('incident', {});
    expect(outcome.ok).toBe(true);
    expect(sn.emulator.tokens.requests).toEqual(['client_credentials', 'client_credentials']);
  });

  it('returns the 401 when the new token is refused too, without looping', async () => {
    const c = client();
    await c.listRecords('incident', {});
    sn.emulator.tokens.revokeAccessTokens();
    sn.emulator.injectFault({ pathPrefix: '/oauth_token.do', count: 2, status: 401, body: { error_description: 'access_denied', error: 'server_error' } });
    const outcome = await c.listRecords('incident', {});
    expect(outcome).toMatchObject({ ok: false, status: 401 });
    expect(sn.emulator.tokens.requests).toEqual(['password']);
  });

  it('shares one token call between concurrent requests', async () => {
    const c = client();
    await Promise.all([c.listRecords('incident', {}), c.listRecords('sys_user', {}), c.listRecords('incident', {})]);
    expect(sn.emulator.tokens.requests).toEqual(['password']);
  });

  it('uses Basic auth without any token call, and the versioned path', async () => {
    const c = client({ username: 'admin', password: 'admin' }, { api_version: 'v2' });
    expect(c.tablePath('incident')).toBe('/api/now/v2/table/incident');
    const outcome = await c.listRecords('incident', { sysparm_query: 'number=INC0010002', sysparm_exclude_reference_link: 'true' });
    expect(outcome).toMatchObject({ ok: true, total: 1, records: [{ number: 'INC0010002', priority: '1' }] });
    expect(sn.emulator.tokens.requests).toEqual([]);
  });
});
