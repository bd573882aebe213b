import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { startPlatforms, type PlatformUnderTest } from './platforms';

const IM = path.resolve(__dirname, '../../bin/im.js');

describe('im CLI against a running hub and the platform emulators', () => {
  let t: TestHub;
  let platforms: PlatformUnderTest[];
  const configHome = mkdtempSync(path.join(tmpdir(), 'itsm-hub-cli-'));

  const im = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [IM, ...args],
        { env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: configHome, HUB_URL: t.hub.url, HUB_TOKEN: ADMIN_TOKEN, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    [t, platforms] = await Promise.all([startTestHub(), startPlatforms()]);
  });
  afterAll(async () => {
    await Promise.all(platforms?.map((p) => p.close()) ?? []);
    await t?.stop();
    rmSync(configHome, { recursive: true, force: true });
  });

  const credentialFlags: Record<string, (c: Record<string, string>) => string[]> = {
    servicenow: (c) => ['--username', c.username, '--password', c.password],
    jira: (c) => ['--email', c.email, '--api-key', c.api_key],
    pagerduty: (c) => ['--token', c.token],
    halo: (c) => ['--client-id', c.client_id, '--client-secret', c.client_secret, '--tenant', c.tenant],
  };

  it('configures, lists, gets, tests and deletes an integration of each type', async () => {
    for (const p of platforms) {
      const name = `cli-${p.type}`;
      const configured = await im(['integration', 'configure', '--name', name, '--type', p.type, '--base-url', p.url, '--direction', 'bidirectional', '--enabled', 'true', '--webhook-secret', 'cli-webhook-secret', '--conflict-strategy', 'manual-review', ...credentialFlags[p.type](p.credentials), ...Object.entries(p.settings).flatMap(([k, v]) => [`--${k.replace(/_/g, '-')}`, v])]);
      expect(configured).toMatchObject({ code: 0 });
      expect(configured.stdout).toContain(`Created integration ${name}`);
      const tested = await im(['integration', 'test', name]);
      expect(tested.stdout).toContain('Connection test passed');
      expect(tested.code).toBe(0);
    }
    const list = await im(['integration', 'list', '--format', 'json']);
    expect(JSON.parse(list.stdout).map((i: { name: string }) => i.name)).toEqual(['cli-halo', 'cli-jira', 'cli-pagerduty', 'cli-servicenow']);
    const table = await im(['integration', 'list', '--type', 'jira']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+BASE_URL/);
    expect(table.stdout).toContain('cli-jira');
    expect(table.stdout).not.toContain('cli-halo');
    const got = await im(['integration', 'get', 'cli-servicenow', '--format', 'json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'cli-servicenow', conflict_strategy: 'manual-review', has_webhook_secret: true, credentials: { username: '***', password: '***' } });
    for (const p of platforms) expect((await im(['integration', 'delete', `cli-${p.type}`])).code).toBe(0);
    expect(JSON.parse((await im(['integration', 'list', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('takes each type\'s credential and settings flags from the adapter manifests the hub serves', async () => {
    const help = await im(['integration', 'configure', '--type', 'jira', '--help']);
    expect(help.code).toBe(0);
    // Help wraps to the terminal width, so the assertions read it as one line.
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Jira Cloud credentials: --email <value> Email address of the Atlassian account');
    expect(text).toMatch(/--api-key <value> An API token of that account .*\(secret; required\) Jira Cloud settings:/);
    expect(text).toMatch(/--project-key <value> Key of the project issues are created in, such as OPS \(required to write\)/);
    expect(text).not.toContain('--username');
    const general = await im(['integration', 'configure', '--help']);
    expect(general.stdout.replace(/\s+/g, ' ')).toMatch(/Types on this hub: .*jira \(Jira Cloud\)/);
    const unknown = await im(['integration', 'configure', '--name', 'x', '--type', 'nope', '--token', 't']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown integration type 'nope'; this hub has: .*servicenow/);
    const halo = platforms.find((p) => p.type === 'halo')!;
    const typed = await im(['integration', 'configure', '--name', 'typed', '--type', 'halo', '--base-url', halo.url, '--client-id', 'c', '--client-secret', 's', '--ticket-type-id', '7', '--status-map', '{"new":1}', '--format', 'json']);
    expect(typed.code).toBe(0);
    expect(JSON.parse(typed.stdout).settings).toEqual({ ticket_type_id: 7, status_map: { new: 1 } });
    expect((await im(['integration', 'configure', '--name', 'typed', '--ticket-type-id', 'seven'])).code).toBe(2);
    expect((await im(['integration', 'delete', 'typed'])).code).toBe(0);
  });

  it('updates by --name, and a wrong password makes test fail with the vendor message', async () => {
    const snow = platforms.find((p) => p.type === 'servicenow')!;
    await im(['integration', 'configure', '--name', 'snow', '--type', 'servicenow', '--base-url', snow.url, '--username', 'admin', '--password', 'wrong']);
    const failed = await im(['integration', 'test', 'snow']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/authentication\s+FAIL\s+401\s+User Not Authenticated/);
    expect(failed.stdout).toContain('Connection test FAILED');
    const updated = await im(['integration', 'configure', '--name', 'snow', '--password', 'admin', '--rate-limit', '30', '--setting', 'incident_table=incident']);
    expect(updated.stdout).toContain('Updated integration snow');
    expect((await im(['integration', 'test', 'snow'])).code).toBe(0);
    const json = JSON.parse((await im(['integration', 'get', 'snow', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ rate_limit_per_minute: 30, settings: { incident_table: 'incident' } });
  });

  it('manages field ownership', async () => {
    expect((await im(['integration', 'field-ownership', 'set', 'snow', 'priority', '--owner', 'platform', '--priority', '5'])).code).toBe(0);
    expect((await im(['integration', 'field-ownership', 'set', 'snow', 'status', '--owner', 'external'])).code).toBe(0);
    const list = await im(['integration', 'field-ownership', 'list', 'snow']);
    expect(list.stdout).toMatch(/priority\s+platform\s+5/);
    expect(list.stdout).toMatch(/status\s+external\s+0/);
    expect((await im(['integration', 'field-ownership', 'delete', 'snow', 'priority'])).code).toBe(0);
    expect((await im(['integration', 'field-ownership', 'delete', 'snow', 'priority'])).code).toBe(1);
  });

  it('exits 1 with the problem title and field errors on an API error, 2 on a usage error', async () => {
    const apiError = await im(['integration', 'configure', '--name', 'x', '--type', 'servicenow', '--base-url', 'ftp://nope', '--username', 'u']);
    expect(apiError.code).toBe(1);
    expect(apiError.stderr).toContain('Error: Invalid input (HTTP 400)');
    expect(apiError.stderr).toContain('base_url: must be an absolute http:// or https:// URL');
    expect((await im(['integration', 'configure', '--type', 'jira'])).code).toBe(2);
    // Without --type the adapter's flags are unknown options too, so the message asks for the type instead of naming
    // one; the types are the hub's GET /api/v1/adapters, in its order.
    for (const flags of [['--base-url', 'https://example.test'], ['--token', 't']]) {
      const untyped = await im(['integration', 'configure', '--name', 'brand-new', ...flags]);
      expect(untyped).toMatchObject({ code: 2, stderr: 'error: --type is required to create an integration (halo, jira, pagerduty, servicenow)\n' });
    }
    expect((await im(['integration', 'get', 'brand-new'])).code).toBe(1);
    expect((await im(['integration', 'configure', '--name', 'x', '--enabled', 'maybe'])).code).toBe(2);
    expect((await im(['integration', 'frobnicate'])).code).toBe(2);
    expect((await im(['integration', 'get', 'nope'])).code).toBe(1);
    const unauthorized = await im(['integration', 'list'], { HUB_TOKEN: 'ihub_not-a-token' });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain('Unauthorized');
    expect((await im(['integration', 'list'], { HUB_URL: 'http://127.0.0.1:1' })).stderr).toContain('Cannot reach the hub');
  });

  it('manages organizations and tokens, and logs in with a saved config', async () => {
    const org = JSON.parse((await im(['org', 'create', 'acme', '--format', 'json'])).stdout);
    expect(org.name).toBe('acme');
    expect((await im(['org', 'list'])).stdout).toMatch(/acme/);
    const token = JSON.parse((await im(['token', 'create', '--org', 'acme', '--name', 'ci', '--role', 'admin', '--format', 'json'])).stdout);
    expect(token.token).toMatch(/^ihub_/);
    const login = await im(['login', '--url', t.hub.url, '--token', token.token]);
    expect(login.code).toBe(0);
    const file = path.join(configHome, 'itsm-hub', 'cli.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).token).toBe(token.token);
    const asAcme = await im(['integration', 'list', '--format', 'json'], { HUB_URL: '', HUB_TOKEN: '' });
    expect(JSON.parse(asAcme.stdout)).toEqual([]);
    expect((await im(['integration', 'list', '--org', 'acme', '--format', 'json'])).code).toBe(0);
    expect((await im(['token', 'revoke', token.id])).code).toBe(0);
    expect((await im(['integration', 'list'], { HUB_URL: '', HUB_TOKEN: '' })).code).toBe(1);
  });
});
