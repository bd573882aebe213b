import { startEmulator as startHalo, type HaloEmulatorHandle } from '@itsm-hub/adapter-halo/emulator';
import { startEmulator as startJira, type JiraEmulatorHandle } from '@itsm-hub/adapter-jira/emulator';
import { startEmulator as startPagerDuty, type RunningPagerDutyEmulator } from '@itsm-hub/adapter-pagerduty/emulator';
import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'four-platform-secret';
const snowAuth = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
const pdAuth = { authorization: 'Token token=pd-api-token', from: 'oncall@example.com' };

describe('one incident kept in sync across ServiceNow, PagerDuty, Jira and Halo', () => {
  let hub: TestHub;
  let snow: ServiceNowEmulatorHandle;
  let pd: RunningPagerDutyEmulator;
  let jira: JiraEmulatorHandle;
  let halo: HaloEmulatorHandle;
  const ids: Record<'snow' | 'pd' | 'jira' | 'halo', string> = { snow: '', pd: '', jira: '', halo: '' };
  let jiraAuth: Record<string, string>;
  let haloAuth: Record<string, string>;

  beforeAll(async () => {
    [hub, snow, pd, jira, halo] = await Promise.all([startTestHub(), startServiceNow(), startPagerDuty(), startJira(), startHalo()]);
    jiraAuth = { authorization: `Basic ${Buffer.from(`${jira.credentials.email}:${jira.credentials.api_key}`).toString('base64')}` };
    const token = await fetch(`${halo.url}/auth/token?tenant=${halo.credentials.tenant}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: halo.credentials.client_id, client_secret: halo.credentials.client_secret, scope: 'all' }).toString(),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    haloAuth = { authorization: `Bearer ${token.access_token}` };
    const common = { direction: 'bidirectional', webhook_secret: SECRET };
    ids.snow = await createIntegration(hub, { ...common, name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' } });
    ids.pd = await createIntegration(hub, { ...common, name: 'pd', type: 'pagerduty', base_url: pd.url, credentials: { token: 'pd-api-token' }, settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } });
    ids.jira = await createIntegration(hub, { ...common, name: 'jira', type: 'jira', base_url: jira.url, credentials: { ...jira.credentials }, settings: { project_key: 'OPS' } });
    ids.halo = await createIntegration(hub, {
      ...common, name: 'halo', type: 'halo', base_url: halo.url,
      credentials: { client_id: halo.credentials.client_id, client_secret: halo.credentials.client_secret, tenant: halo.credentials.tenant },
      settings: { ticket_type_id: 1, client_id_default: 12 },
    });
    const receiver = (id: string) => ({ url: `${hub.hub.url}/api/v1/webhooks/${id}`, secret: SECRET });
    snow.emulator.subscribeWebhooks(receiver(ids.snow));
    pd.emulator.subscribeWebhooks(receiver(ids.pd));
    jira.emulator.subscribeWebhooks(receiver(ids.jira));
    halo.emulator.subscribeWebhooks(receiver(ids.halo));
  });

  afterAll(async () => {
    await Promise.all([snow?.close(), pd?.close(), jira?.close(), halo?.close()]);
    await hub?.stop();
  });

  const emulators = () => [snow.emulator, pd.emulator, jira.emulator, halo.emulator];
  const quiet = async () => {
    for (let round = 0; round < 2; round += 1) {
      await Promise.all(emulators().map((e) => e.settleWebhooks()));
      for (const id of Object.values(ids)) await settled(hub, id);
    }
  };
  const linksOf = async (incidentId: string) => {
    const links: Array<{ integration_id: string; external_id: string; sync_status: string }> = (await hub.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links;
    return Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, links.find((l) => l.integration_id === id)])) as Record<keyof typeof ids, (typeof links)[number] | undefined>;
  };
  /** Record writes (creates, updates, comments, transitions) each platform received, by kind. */
  const writes = () => ({
    snow: snow.emulator.requests.filter((r) => ['POST', 'PATCH'].includes(r.method) && r.path.startsWith('/api/now/table/incident')).length,
    pd: pd.emulator.requests.filter((r) => ['POST', 'PUT'].includes(r.method) && r.path.startsWith('/incidents')).length,
    jira: jira.emulator.requests.filter((r) => ['POST', 'PUT'].includes(r.method) && r.path.startsWith('/rest/api/3/issue')).length,
    halo: halo.emulator.requests.filter((r) => r.method === 'POST' && ['/api/Tickets', '/api/Actions'].includes(r.path)).length,
  });
  const delta = (before: ReturnType<typeof writes>) => {
    const now = writes();
    return { snow: now.snow - before.snow, pd: now.pd - before.pd, jira: now.jira - before.jira, halo: now.halo - before.halo };
  };

  let incidentId = '';
  let onPlatform: Record<keyof typeof ids, string>;

  it('creates the hub incident on all four platforms', async () => {
    incidentId = (await hub.api('POST', '/api/v1/incidents', { title: 'Core router down', priority: 'P2', description: 'Packet loss on **core-1**.\n\n- site A\n- site B' })).body.id;
    const links = await eventually(() => linksOf(incidentId), (l) => Object.values(l).every((x) => x?.sync_status === 'synced'), 'links on all four platforms');
    onPlatform = { snow: links.snow!.external_id, pd: links.pd!.external_id, jira: links.jira!.external_id, halo: links.halo!.external_id };
    const issue = (await platformCall(jira.url, 'GET', `/rest/api/3/issue/${onPlatform.jira}`, jiraAuth)).body;
    expect(issue.fields).toMatchObject({ summary: 'Core router down', priority: { name: 'High' }, status: { name: 'To Do' } });
    expect(issue.fields.description.type).toBe('doc');
    expect(halo.state.tickets.find((t) => String(t.id) === onPlatform.halo)).toMatchObject({ summary: 'Core router down', priority_id: 2 });
    await quiet();
  });

  it('an edit in Jira reaches the other three exactly once', async () => {
    const before = writes();
    await platformCall(jira.url, 'PUT', `/rest/api/3/issue/${onPlatform.jira}`, jiraAuth, { fields: { summary: 'Core router down (edited in Jira)' } });
    await eventually(async () => (await platformCall(pd.url, 'GET', `/incidents/${onPlatform.pd}`, pdAuth)).body.incident.title, (t) => t === 'Core router down (edited in Jira)', 'the title in PagerDuty');
    await quiet();
    expect(delta(before)).toEqual({ snow: 1, pd: 1, jira: 1, halo: 1 });
    expect(halo.state.tickets.find((t) => String(t.id) === onPlatform.halo)?.summary).toBe('Core router down (edited in Jira)');
  });

  it('a comment made in PagerDuty reaches the other three exactly once', async () => {
    const before = writes();
    await platformCall(pd.url, 'POST', `/incidents/${onPlatform.pd}/notes`, pdAuth, { note: { content: 'Carrier confirms a fibre cut' } });
    await eventually(
      async () => (await platformCall(jira.url, 'GET', `/rest/api/3/issue/${onPlatform.jira}/comment`, jiraAuth)).body.comments.length,
      (n) => n === 1,
      'the comment in Jira',
    );
    await quiet();
    expect(delta(before)).toEqual({ snow: 1, pd: 1, jira: 1, halo: 1 });
    const hubComments = (await hub.api('GET', `/api/v1/incidents/${incidentId}`)).body.comments;
    expect(hubComments.map((c: { body: string }) => c.body)).toEqual(['Carrier confirms a fibre cut']);
  });

  it('a priority change in Halo reaches the other three', async () => {
    await platformCall(halo.url, 'POST', '/api/Tickets', haloAuth, [{ id: Number(onPlatform.halo), priority_id: 1 }]);
    await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${incidentId}`)).body.priority, (p) => p === 'P1', 'P1 in the hub');
    await eventually(async () => (await platformCall(jira.url, 'GET', `/rest/api/3/issue/${onPlatform.jira}`, jiraAuth)).body.fields.priority.name, (p) => p === 'Highest', 'Highest in Jira');
    await eventually(async () => (await platformCall(snow.url, 'GET', `/api/now/table/incident/${onPlatform.snow}?sysparm_fields=priority`, snowAuth)).body.result.priority, (p) => p === '1', 'priority 1 in ServiceNow');
    await quiet();
  });

  it('resolving in ServiceNow follows each workflow: Jira transitions to Done, PagerDuty and Halo resolve', async () => {
    const before = jira.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions')).length;
    await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${onPlatform.snow}`, snowAuth, { state: '6', close_code: 'Solved (Permanently)', close_notes: 'Fibre spliced' });
    await eventually(async () => (await platformCall(jira.url, 'GET', `/rest/api/3/issue/${onPlatform.jira}`, jiraAuth)).body.fields.status.name, (s) => s === 'Done', 'Done in Jira');
    await eventually(async () => (await platformCall(pd.url, 'GET', `/incidents/${onPlatform.pd}`, pdAuth)).body.incident.status, (s) => s === 'resolved', 'resolved in PagerDuty');
    await eventually(async () => halo.state.tickets.find((t) => String(t.id) === onPlatform.halo)?.status_id, (s) => s === 9, 'closed in Halo');
    // To Do -> In Progress -> In Review -> Done: the shortest path in OPS's workflow.
    expect(jira.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions')).length - before).toBe(3);
    await quiet();
  });

  it('a Jira workflow with no path to the mapped status produces a dead letter a user understands', async () => {
    // SEC on its own: with the four others syncing the same incident, one of them once set it back to new
    // between the two changes below (seen twice in CI, not reproduced locally), and the dead letter named 'Open'.
    for (const id of Object.values(ids)) expect((await hub.api('PATCH', `/api/v1/integrations/${id}`, { enabled: false })).status).toBe(200);
    const sec = await createIntegration(hub, {
      name: 'jira-sec', type: 'jira', base_url: jira.url, credentials: { ...jira.credentials }, direction: 'outbound',
      settings: { project_key: 'SEC', status_map: { new: 'Open', acknowledged: 'In Progress', in_progress: 'In Progress', on_hold: 'In Progress', resolved: 'Closed', closed: 'Closed', canceled: 'Closed' } },
    });
    const incident = (await hub.api('POST', '/api/v1/incidents', { title: 'Suspicious login' })).body;
    await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links.find((l: { integration_id: string }) => l.integration_id === sec)?.sync_status, (s) => s === 'synced', 'the SEC issue');
    await hub.api('PATCH', `/api/v1/incidents/${incident.id}`, { status: 'resolved' });
    await settled(hub, sec);
    await hub.api('PATCH', `/api/v1/incidents/${incident.id}`, { status: 'in_progress' });
    type Entry = { record_id: string; error_message: string };
    const dlq: Entry[] = await eventually(async () => (await hub.api('GET', `/api/v1/integrations/${sec}/dead-letter-queue`)).body.items, (items: Entry[]) => items.length > 0, 'a dead letter entry');
    expect(dlq.map((e) => [e.record_id, e.error_message])).toEqual([[incident.id, expect.stringMatching(/no path from 'Closed' to 'In Progress'/)]]);
    await hub.api('DELETE', `/api/v1/integrations/${sec}?force=true`);
    await quiet();
  });
});
