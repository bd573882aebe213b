import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { imInProcess as im } from './imInProcess';
import { eventually, settled } from './syncHelpers';

// The generator is plain JavaScript under tools/, run as `npm run new-adapter` runs it.
const { generateAdapter, WORKSPACE } = require('../../../../tools/generators/src/adapter/generate') as {
  generateAdapter: (platform: string, directory: string) => string;
  WORKSPACE: string;
};

interface GeneratedEmulator {
  url: string;
  credentials: { api_token: string };
  state: { incidents: Array<{ id: string; title: string; priority: string; queue: string; correlation_id: string | null }> };
  emulator: { subscribeWebhooks(target: { url: string; secret: string }): void; settleWebhooks(): Promise<void> };
  close(): Promise<void>;
}

/**
 * A package written by the generator, untouched: built, loaded through HUB_ADAPTERS, configured
 * through the CLI from its own schemas, and syncing incidents with its own emulator. No change to
 * core or the hub is needed for any of it.
 */
describe('an adapter package written by npm run new-adapter', () => {
  const directory = path.join('.tmp', `e2e-generated-${process.pid}`);
  const configHome = mkdtempSync(path.join(tmpdir(), 'itsm-hub-generated-'));
  const savedEnv = { ...process.env };
  let root: string;
  let t: TestHub;
  let platform: GeneratedEmulator;

  beforeAll(async () => {
    root = generateAdapter('acmedesk', directory);
    const { startEmulator } = require(path.join(root, 'dist/emulator')) as { startEmulator: () => Promise<GeneratedEmulator> };
    [t, platform] = await Promise.all([startTestHub({ extraAdapters: [root] }), startEmulator()]);
    Object.assign(process.env, { XDG_CONFIG_HOME: configHome, HUB_URL: t.hub.url, HUB_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => {
    process.env = savedEnv;
    await platform?.close();
    await t?.stop();
    rmSync(path.join(WORKSPACE, directory), { recursive: true, force: true });
    rmSync(configHome, { recursive: true, force: true });
  });

  it('loads through HUB_ADAPTERS and describes itself in GET /api/v1/adapters', async () => {
    const { body } = await t.api('GET', '/api/v1/adapters');
    const generated = body.adapters.find((a: { type: string }) => a.type === 'acmedesk');
    expect(generated).toMatchObject({
      display_name: 'Acmedesk',
      package: root,
      version: '0.1.0',
      capabilities: { incident: ['read', 'find', 'list', 'scan', 'create', 'update', 'comment', 'webhook'] },
      required_to_write: ['queue'],
      setup_steps: expect.stringContaining('API token'),
    });
    expect(generated.credential_schema.properties.api_token).toMatchObject({ type: 'string', writeOnly: true });
    expect(body.refused).toEqual([]);
  });

  it('is configured and tested from the CLI with the flags of its own schemas', async () => {
    const help = await im(['integration', 'configure', '--type', 'acmedesk', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/Acmedesk credentials: --api-token <value> API token of the account the hub acts as \(secret; required\) Acmedesk settings: --queue <value>/);
    const configured = await im([
      'integration', 'configure', '--name', 'desk', '--type', 'acmedesk', '--base-url', platform.url, '--api-token', platform.credentials.api_token,
      '--queue', 'ops', '--direction', 'bidirectional', '--webhook-secret', 'desk-webhook-secret',
    ]);
    expect(configured).toMatchObject({ code: 0, stderr: '' });
    const tested = await im(['integration', 'test', 'desk', '--format', 'json']);
    expect(JSON.parse(tested.stdout)).toMatchObject({
      success: true,
      checks: [{ name: 'reachability' }, { name: 'authentication' }, { name: 'permission:incident' }, { name: 'queue', message: 'Incidents are created in queue ops (Operations)' }],
    });
    const withoutQueue = await im(['integration', 'configure', '--name', 'desk2', '--type', 'acmedesk', '--base-url', platform.url, '--api-token', 'x', '--direction', 'outbound']);
    expect(withoutQueue.code).toBe(1);
    expect(withoutQueue.stderr).toContain('settings.queue');
  });

  it('syncs incidents both ways with its emulator', async () => {
    const integration = (await t.api('GET', '/api/v1/integrations/desk')).body;
    platform.emulator.subscribeWebhooks({ url: `${t.hub.url}/api/v1/webhooks/${integration.id}`, secret: 'desk-webhook-secret' });
    const created = (await t.api('POST', '/api/v1/incidents', { title: 'Mail relay down', priority: 'P2' })).body;
    const copy = await eventually(async () => platform.state.incidents.find((i) => i.correlation_id === created.id), Boolean, 'the incident on the platform');
    expect(copy).toMatchObject({ title: 'Mail relay down', priority: 'high', queue: 'ops' });

    const response = await fetch(`${platform.url}/api/v1/incidents/${copy!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${platform.credentials.api_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ priority: 'critical' }),
    });
    expect(response.status).toBe(200);
    await platform.emulator.settleWebhooks();
    await settled(t, integration.id);
    const back = await eventually(async () => (await t.api('GET', `/api/v1/incidents/${created.id}`)).body, (i) => i.priority === 'P1', 'the platform change in the hub');
    expect(back.title).toBe('Mail relay down');
  });
});
