import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { imInProcess as im } from './imInProcess';
import { eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'cli-tables-secret';
const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
const HUB_TITLE = 'The hub says the mail relay in the second data centre is down for every user';
const SNOW_TITLE = 'ServiceNow says the mail relay in the second data centre is down for every user';

const widest = (text: string) => Math.max(...text.trimEnd().split('\n').map((line) => [...line].length));

/**
 * The tables a new user reads first, with real values: a linked incident and a pending conflict. Conflicts need
 * both sides to change a field since the last sync, so the integration is inbound while the hub's change is made.
 */
describe('im tables fit 120 columns and name integrations', () => {
  let t: TestHub;
  let servicenow: ServiceNowEmulatorHandle;
  let integrationId: string;
  let incidentId: string;
  const workDir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-cli-tables-'));
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [t, servicenow] = await Promise.all([startTestHub(), startServiceNow()]);
    Object.assign(process.env, { XDG_CONFIG_HOME: workDir, HUB_URL: t.hub.url, HUB_TOKEN: ADMIN_TOKEN });
    const configure = ['integration', 'configure', '--name', 'snow', '--type', 'servicenow', '--base-url', servicenow.url, '--username', 'admin', '--password', 'admin'];
    const configured = await im([...configure, '--direction', 'bidirectional', '--webhook-secret', SECRET, '--conflict-strategy', 'manual-review', '--format', 'json']);
    expect(configured.code).toBe(0);
    integrationId = JSON.parse(configured.stdout).id;
    servicenow.emulator.subscribeWebhooks({ url: `${t.hub.url}/api/v1/webhooks/${integrationId}`, secret: SECRET });

    const incident = (await t.api('POST', '/api/v1/incidents', { title: 'Mail relay down' })).body;
    incidentId = incident.id;
    const link = await eventually(async () => (await t.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links[0], (l) => l?.sync_status === 'synced', 'the link');
    await servicenow.emulator.settleWebhooks();
    await settled(t, integrationId);
    await t.api('PATCH', `/api/v1/integrations/${integrationId}`, { direction: 'inbound' });
    await t.api('PATCH', `/api/v1/incidents/${incidentId}`, { title: HUB_TITLE });
    await platformCall(servicenow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { short_description: SNOW_TITLE });
    await servicenow.emulator.settleWebhooks();
    await settled(t, integrationId);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await servicenow?.close();
    await t?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('lists conflicts within 120 columns with the integration name; JSON keeps ids and full values', async () => {
    const table = await im(['conflict', 'list']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(widest(table.stdout)).toBeLessThanOrEqual(120);
    const [header, row] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+RECORD_KIND\s+RECORD_ID\s+INTEGRATION\s+FIELD_NAME\s+PLATFORM_VALUE\s+EXTERNAL_VALUE\s+STATUS\s+DETECTED_AT$/);
    expect(row).toMatch(/^[0-9a-f]{8}…\s+incident\s+[0-9a-f]{8}…\s+snow\s+title\s+The hub .*…\s+ServiceNow .*…\s+pending\s+\d{4}-\d\d-\d\dT\d\d:\d\d…$/);
    expect(table.stdout).not.toContain(integrationId);

    const json = JSON.parse((await im(['conflict', 'list', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ total: 1, items: [{ integration_id: integrationId, record_id: incidentId, platform_value: HUB_TITLE, external_value: SNOW_TITLE }] });
    expect(json.items[0]).not.toHaveProperty('integration');

    // The cut id a table shows is what a user copies: commands take it for the whole id.
    const cutId = row.split(/\s+/)[0];
    const shown = JSON.parse((await im(['conflict', 'show', cutId, '--format', 'json'])).stdout);
    expect(shown).toMatchObject({ id: json.items[0].id, status: 'pending' });
    expect((await im(['incident', 'show', `${incidentId.slice(0, 8)}…`, '--format', 'json'])).stdout).toContain(incidentId);
    const unknown = await im(['conflict', 'show', '00000000…']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'Error: No conflict id starts with 00000000\n']);
  });

  it('lists links within 120 columns with the integration name, and unlinks with --format json', async () => {
    const table = await im(['incident', 'links', incidentId]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(widest(table.stdout)).toBeLessThanOrEqual(120);
    expect(table.stdout).toMatch(/^INTEGRATION\s+EXTERNAL_ID\s+EXTERNAL_NUMBER\s+SYNC_STATUS\s+LAST_SYNCED_AT\s+EXTERNAL_URL\nsnow\s/);
    const [link] = JSON.parse((await im(['incident', 'links', incidentId, '--format', 'json'])).stdout);
    expect(link).toMatchObject({ integration_id: integrationId, external_url: expect.stringContaining(link.external_id) });

    const unlinked = await im(['incident', 'unlink', incidentId, '--integration', 'snow', '--format', 'json']);
    expect(unlinked).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(unlinked.stdout)).toEqual({ incident_id: incidentId, integration: 'snow', unlinked: true });
    expect((await im(['incident', 'links', incidentId])).stdout).toBe('(none)\n');
  });
});
