import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import { startEmulator as startHalo, type HaloEmulatorHandle } from '@itsm-hub/adapter-halo/emulator';
import { startEmulator as startJira, type JiraEmulatorHandle } from '@itsm-hub/adapter-jira/emulator';
import { startEmulator as startPagerDuty, type RunningPagerDutyEmulator } from '@itsm-hub/adapter-pagerduty/emulator';
import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

/** What a test does on a platform behind the hub's back: webhooks are not subscribed, so the hub hears nothing. */
interface PlatformSide {
  type: string;
  integration: Record<string, unknown>;
  titleOf(externalId: string): Promise<string | undefined>;
  editTitle(externalId: string, title: string): Promise<void>;
  /** An administrator deletes the record (or it moves out of the account's sight). */
  remove(externalId: string): void;
  /** A platform user opens a record by hand; returns its id. */
  createOrphan(title: string): Promise<string>;
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('reconciliation against each platform: every category found, then healed', () => {
  let hub: TestHub;
  let db: Client;
  let snow: ServiceNowEmulatorHandle;
  let pd: RunningPagerDutyEmulator;
  let jira: JiraEmulatorHandle;
  let halo: HaloEmulatorHandle;
  const sides: Record<string, PlatformSide> = {};

  beforeAll(async () => {
    [hub, snow, pd, jira, halo] = await Promise.all([startTestHub(), startServiceNow(), startPagerDuty(), startJira(), startHalo()]);
    db = new Client({ connectionString: hub.db.url });
    await db.connect();
    const snowAuth = basic('admin', 'admin');
    const jiraAuth = basic(jira.credentials.email, jira.credentials.api_key);
    const pdAuth = { authorization: 'Token token=pd-api-token', from: 'oncall@example.com' };
    const haloToken = await fetch(`${halo.url}/auth/token?tenant=${halo.credentials.tenant}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: halo.credentials.client_id, client_secret: halo.credentials.client_secret, scope: 'all' }).toString(),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const haloAuth = { authorization: `Bearer ${haloToken.access_token}` };
    const splice = <T>(rows: T[], match: (row: T) => boolean) => rows.splice(rows.findIndex(match), 1);
    sides.servicenow = {
      type: 'servicenow',
      integration: { base_url: snow.url, credentials: { username: 'admin', password: 'admin' } },
      titleOf: async (id) => (await platformCall(snow.url, 'GET', `/api/now/table/incident/${id}`, snowAuth)).body.result?.short_description,
      editTitle: async (id, title) => void (await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${id}`, snowAuth, { short_description: title })),
      remove: (id) => splice(snow.emulator.tables.incident, (row) => row.sys_id === id),
      createOrphan: async (title) => (await platformCall(snow.url, 'POST', '/api/now/table/incident', snowAuth, { short_description: title })).body.result.sys_id,
    };
    sides.jira = {
      type: 'jira',
      integration: { base_url: jira.url, credentials: { ...jira.credentials }, settings: { project_key: 'OPS' } },
      titleOf: async (id) => (await platformCall(jira.url, 'GET', `/rest/api/3/issue/${id}`, jiraAuth)).body.fields?.summary,
      editTitle: async (id, title) => void (await platformCall(jira.url, 'PUT', `/rest/api/3/issue/${id}`, jiraAuth, { fields: { summary: title } })),
      remove: (id) => splice(jira.emulator.state.issues, (issue) => issue.id === id),
      createOrphan: async (title) => (await platformCall(jira.url, 'POST', '/rest/api/3/issue', jiraAuth, { fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: title } })).body.id,
    };
    sides.pagerduty = {
      type: 'pagerduty',
      integration: { base_url: pd.url, credentials: { token: 'pd-api-token' }, settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } },
      titleOf: async (id) => (await platformCall(pd.url, 'GET', `/incidents/${id}`, pdAuth)).body.incident?.title,
      editTitle: async (id, title) => void (await platformCall(pd.url, 'PUT', `/incidents/${id}`, pdAuth, { incident: { type: 'incident', title } })),
      remove: (id) => splice(pd.emulator.store.incidents, (incident) => incident.id === id),
      createOrphan: async (title) => (await platformCall(pd.url, 'POST', '/incidents', pdAuth, { incident: { type: 'incident', title, service: { id: 'PSVC001', type: 'service_reference' } } })).body.incident.id,
    };
    sides.halo = {
      type: 'halo',
      integration: {
        base_url: halo.url, credentials: { client_id: halo.credentials.client_id, client_secret: halo.credentials.client_secret, tenant: halo.credentials.tenant },
        settings: { ticket_type_id: 1, client_id_default: 12 },
      },
      titleOf: async (id) => halo.state.tickets.find((t) => String(t.id) === id)?.summary ?? undefined,
      editTitle: async (id, title) => void (await platformCall(halo.url, 'POST', '/api/Tickets', haloAuth, [{ id: Number(id), summary: title }])),
      remove: (id) => splice(halo.state.tickets, (t) => String(t.id) === id),
      createOrphan: async (title) => String((await platformCall(halo.url, 'POST', '/api/Tickets', haloAuth, [{ summary: title, tickettype_id: 1, client_id: 12 }])).body.id),
    };
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([snow?.close(), pd?.close(), jira?.close(), halo?.close()]);
    await hub?.stop();
  });

  const incident = async (title: string) => (await hub.api('POST', '/api/v1/incidents', { title })).body.id as string;
  const linkOf = async (integrationId: string, incidentId: string) =>
    (await hub.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links.find((l: { integration_id: string }) => l.integration_id === integrationId);
  const reconcile = async (integrationId: string, body: Record<string, boolean>) => {
    const response = await hub.api('POST', `/api/v1/integrations/${integrationId}/reconcile?wait=true`, body);
    expect(response.status).toBe(200);
    return response.body;
  };
  const itemsOf = async (runId: string) => (await hub.api('GET', `/api/v1/sync-runs/${runId}/items?limit=500`)).body.items as Array<Record<string, any>>;

  it.each(['servicenow', 'jira', 'pagerduty', 'halo'])('%s', async (type) => {
    const side = sides[type];
    const uncreated = await incident(`${type}: created before the integration`);
    const id = await createIntegration(hub, {
      name: `reconcile-${type}`, type, direction: 'bidirectional', ...side.integration,
      settings: { ...((side.integration.settings as object) ?? {}), reconcile_missing: 'recreate', reconcile_orphans: 'import' },
    });
    const [steady, editedThere, gone, answerLost] = await Promise.all(['steady', 'edited there', 'deleted there', 'answer lost'].map((t) => incident(`${type}: ${t}`)));
    for (const record of [steady, editedThere, gone, answerLost]) {
      await eventually(() => linkOf(id, record), (l) => l?.sync_status === 'synced', `${type} link of ${record}`);
    }
    await settled(hub, id);
    const external = async (record: string) => (await linkOf(id, record)).external_id as string;
    await side.editTitle(await external(editedThere), `${type}: edited there, later`);
    const goneOn = await external(gone);
    side.remove(goneOn);
    const answerLostOn = await external(answerLost);
    await db.query(`DELETE FROM integration_sync_map WHERE entity_id = $1 AND integration_id = $2`, [answerLost, id]);
    const orphanOn = await side.createOrphan(`${type}: opened by hand`);

    const plan = await reconcile(id, { dry_run: true });
    expect(plan).toMatchObject({ status: 'succeeded', dry_run: true });
    const items = await itemsOf(plan.id);
    const of = (record: string) => items.find((i) => i.record_id === record);
    expect(of(steady)).toBeUndefined();
    expect(of(editedThere)).toMatchObject({ category: 'field_drift', matched_by: 'link', fields: [expect.objectContaining({ field: 'title', external: `${type}: edited there, later`, action: 'pull' })] });
    expect(of(gone)).toMatchObject({ category: 'missing_external', matched_by: 'link', external_id: goneOn, action: 'recreate', outcome: 'planned' });
    expect(of(answerLost)).toMatchObject({ category: 'relink', matched_by: 'correlation_id', external_id: answerLostOn, outcome: 'planned' });
    expect(of(uncreated)).toMatchObject({ category: 'not_created', action: 'create' });
    expect(items.find((i) => i.external_id === orphanOn)).toMatchObject({ category: 'orphan_external', matched_by: 'none', action: 'import', outcome: 'planned' });
    // The plan changed nothing: the drifted title is still the hub's old one there.
    expect((await hub.api('GET', `/api/v1/incidents/${editedThere}`)).body.title).toBe(`${type}: edited there`);

    const csv = await fetch(`${hub.hub.url}/api/v1/sync-runs/${plan.id}/export?part=items`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows: Array<Record<string, string>> = parse(await csv.text(), { columns: true });
    expect(rows.find((r) => r.record_id === editedThere)).toMatchObject({ category: 'field_drift', field: 'title', external_value: `${type}: edited there, later`, field_action: 'pull' });

    const healed = await reconcile(id, { auto_heal: true });
    expect(healed).toMatchObject({ status: 'succeeded', failed_items: 0 });
    expect(healed.auto_healed).toBeGreaterThanOrEqual(5);
    await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${editedThere}`)).body.title, (t) => t === `${type}: edited there, later`, 'the pulled title');
    const recreatedOn = await eventually(async () => (await linkOf(id, gone))?.external_id, (e) => Boolean(e) && e !== goneOn, 'the recreated record');
    expect(await side.titleOf(recreatedOn)).toBe(`${type}: deleted there`);
    const createdOn = await eventually(async () => (await linkOf(id, uncreated))?.external_id, (e) => Boolean(e), 'the record created late');
    expect(await side.titleOf(createdOn)).toBe(`${type}: created before the integration`);
    expect(await linkOf(id, answerLost)).toMatchObject({ external_id: answerLostOn, sync_status: 'synced' });
    const imported = await eventually(async () => (await hub.api('GET', `/api/v1/incidents?q=${encodeURIComponent(`${type}: opened by hand`)}`)).body.items, (i) => i.length === 1, 'the imported orphan');
    expect((await linkOf(id, imported[0].id)).external_id).toBe(orphanOn);
    await settled(hub, id);

    const after = await reconcile(id, { dry_run: true });
    const ours = new Set([steady, editedThere, gone, answerLost, uncreated, imported[0].id]);
    expect((await itemsOf(after.id)).filter((i) => ours.has(i.record_id) || i.external_id === orphanOn)).toEqual([]);
    const history = (await hub.api('GET', `/api/v1/integrations/${id}/reconcile/history`)).body.runs.map((r: { id: string }) => r.id);
    expect(history).toEqual([after.id, healed.id, plan.id]);
    await hub.api('DELETE', `/api/v1/integrations/${id}?force=true`);
  });
});
