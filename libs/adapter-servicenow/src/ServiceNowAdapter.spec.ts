import { createServer } from 'node:net';
import type { SyncDirection } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { startEmulator, type ServiceNowEmulatorHandle } from './emulator';
import type { ServiceNowCredentials, ServiceNowSettings } from './config';
import { ServiceNowAdapter } from './ServiceNowAdapter';

let sn: ServiceNowEmulatorHandle;

beforeAll(async () => {
  sn = await startEmulator({ port: 0 });
});
afterAll(() => sn.close());
afterEach(() => {
  sn.emulator.readableTables = undefined;
  sn.emulator.reset();
});

function adapter(credentials: Partial<ServiceNowCredentials> | Record<string, unknown>, settings: ServiceNowSettings = {}, baseUrl = sn.url, direction: SyncDirection = 'bidirectional') {
  return new ServiceNowAdapter(createTestAdapterContext({ baseUrl, credentials: credentials as ServiceNowCredentials, settings, direction }));
}

const summary = (checks: Array<{ name: string; passed: boolean; status?: number }>) => checks.map((c) => [c.name, c.passed, c.status]);
const basic = () => ({ username: sn.credentials.username, password: sn.credentials.password });
const client = () => ({ client_id: sn.credentials.client_id, client_secret: sn.credentials.client_secret });

describe('testConnection', () => {
  it('passes with the OAuth password grant', async () => {
    const checks = await adapter(sn.credentials).testConnection();
    expect(summary(checks)).toEqual([
      ['reachability', true, 200],
      ['authentication', true, 200],
      ['permission:incident', true, 200],
      ['permission:sys_user', true, 200],
      ['write:incident', true, 200],
    ]);
    expect(checks[1].message).toBe('Obtained an OAuth access token (password grant)');
    expect(checks[2].message).toBe('Can read table incident (2 records visible)');
  });

  it('passes with the client_credentials grant and with Basic auth', async () => {
    const oauth = await adapter(client()).testConnection();
    expect(oauth.every((c) => c.passed)).toBe(true);
    expect(oauth[1].message).toContain('client_credentials grant');
    const viaBasic = await adapter(basic()).testConnection();
    expect(summary(viaBasic)).toEqual([
      ['reachability', true, 200],
      ['authentication', true, undefined],
      ['permission:incident', true, 200],
      ['permission:sys_user', true, 200],
      ['write:incident', true, 200],
    ]);
  });

  it('fails authentication with the token endpoint message on a wrong client secret, and stops', async () => {
    const checks = await adapter({ ...sn.credentials, client_secret: 'wrong' }).testConnection();
    expect(summary(checks)).toEqual([
      ['reachability', true, 401],
      ['authentication', false, 401],
    ]);
    expect(checks[1].message).toBe('access_denied (server_error)');
  });

  it('fails authentication with "User Not Authenticated" on a wrong Basic password', async () => {
    const checks = await adapter({ ...basic(), password: 'wrong' }).testConnection();
    expect(summary(checks)).toEqual([
      ['reachability', true, 401],
      ['authentication', false, 401],
    ]);
    expect(checks[1].message).toBe('User Not Authenticated (Required to provide Auth information)');
  });

  it('fails reachability on a closed port without throwing', async () => {
    const port = await closedPort();
    const checks = await adapter(sn.credentials, {}, `http://127.0.0.1:${port}`).testConnection();
    expect(summary(checks)).toEqual([['reachability', false, undefined]]);
    expect(checks[0].message).toContain('Connection refused');
  });

  it('fails the permission check of an unreadable table with the ACL message', async () => {
    sn.emulator.readableTables = ['incident'];
    const checks = await adapter(sn.credentials).testConnection();
    expect(summary(checks).slice(2)).toEqual([
      ['permission:incident', true, 200],
      ['permission:sys_user', false, 403],
      ['write:incident', true, 403],
    ]);
    expect(checks[3].message).toContain('Insufficient rights to query records');
    expect(checks[4].message).toBe('Not checked: cannot read sys_user_has_role (Insufficient rights to query records (No read access to table sys_user_has_role)); the user needs one of itil, sn_incident_write, admin to create incidents');
  });

  it('checks the roles a first create needs, for the calling user of every auth mode', async () => {
    const checks = await adapter(client()).testConnection();
    expect(checks[4]).toMatchObject({ name: 'write:incident', passed: true, message: 'The user holds admin, which may create incidents' });
  });

  it('fails the write check when the user holds no role that may write incidents, as its first create would fail', async () => {
    const readOnly = await startEmulator({ port: 0, apiUserRoles: ['sn_incident_read'] });
    try {
      const context = createTestAdapterContext({ baseUrl: readOnly.url, credentials: basic() as ServiceNowCredentials, settings: {} });
      const checks = await new ServiceNowAdapter(context).testConnection();
      expect(checks[4]).toMatchObject({
        name: 'write:incident',
        passed: false,
        message: 'The user holds none of the roles that may create incidents (itil, sn_incident_write, admin): its first create would be refused. Grant it itil or sn_incident_write.',
      });
      const [created] = await new ServiceNowAdapter(context).write([{ op: 'create', kind: 'incident', correlationId: 'h1', fields: { short_description: 'x' } }]);
      expect(created).toMatchObject({ ok: false });
      expect(created.ok ? '' : created.vendorMessage).toContain('ACL Exception Insert Failed due to security constraints');
    } finally {
      await readOnly.close();
    }
  });

  it('skips the write check for an integration that only receives, and names what it cannot check on a custom table', async () => {
    const inbound = await adapter(sn.credentials, {}, sn.url, 'inbound').testConnection();
    expect(inbound.map((c) => c.name)).not.toContain('write:incident');
    sn.emulator.tables.u_incident = [];
    const custom = await adapter(sn.credentials, { incident_table: 'u_incident' }).testConnection();
    expect(custom[4]).toMatchObject({ name: 'write:u_incident', passed: true, message: 'Not checked: which roles may write u_incident depends on its ACLs, which the Table API does not show' });
  });

  it('reads the configured incident table through the configured API version', async () => {
    const checks = await adapter(sn.credentials, { incident_table: 'u_incident', api_version: 'v2' }).testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:u_incident', passed: false, status: 400, message: 'Invalid table u_incident' });
    expect(checks[3]).toMatchObject({ name: 'permission:sys_user', passed: true });
  });

  it('reports a malformed Table API body as a failed check, not a crash', async () => {
    sn.emulator.injectFault({ pathPrefix: '/api/now/table/incident', status: 200, body: { records: [] } });
    const checks = await adapter(sn.credentials).testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:incident', passed: false });
    expect(checks[2].message).toContain('unexpected body: result:');
  });

  it('reports a malformed token body as a failed authentication check', async () => {
    sn.emulator.injectFault({ pathPrefix: '/oauth_token.do', status: 200, body: { token: 'x' } });
    const checks = await adapter(sn.credentials).testConnection();
    expect(summary(checks)).toEqual([
      ['reachability', true, undefined],
      ['authentication', false, undefined],
    ]);
    expect(checks[1].message).toContain('access_token');
  });

  it('fails authentication without a call when the stored credentials are unusable', async () => {
    const checks = await adapter({ username: 'admin' }).testConnection();
    expect(checks).toEqual([{ name: 'authentication', passed: false, message: 'Invalid ServiceNow credentials: password: password is required when username is given' }]);
  });
});

describe('classifyError', () => {
  it('refreshes auth for OAuth and fails for Basic on a 401', () => {
    const failure = { type: 'response' as const, status: 401, headers: {}, body: { error: { message: 'User Not Authenticated', detail: null }, status: 'failure' } };
    expect(adapter(sn.credentials).classifyError(failure)).toMatchObject({ action: 'refresh_auth', kind: 'config', message: 'User Not Authenticated' });
    expect(adapter(basic()).classifyError(failure)).toMatchObject({ action: 'fail', kind: 'config' });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
