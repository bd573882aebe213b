import { startEmulator as startPagerDuty, type RunningPagerDutyEmulator } from '@itsm-hub/adapter-pagerduty/emulator';
import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'spoke-secret';
const snowAuth = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
const pdAuth = { authorization: 'Token token=pd-api-token', from: 'oncall@example.com' };

describe('hub and spoke: ServiceNow and PagerDuty kept in sync through the hub', () => {
  let hub: TestHub;
  let snow: ServiceNowEmulatorHandle;
  let pd: RunningPagerDutyEmulator;
  let snowId: string;
  let pdId: string;

  beforeAll(async () => {
    [hub, snow, pd] = await Promise.all([startTestHub(), startServiceNow(), startPagerDuty()]);
    // The on-call engineer exists on both platforms, as in a real company directory.
    snow.emulator.tables.sys_user.push({ sys_id: 'a'.repeat(32), user_name: 'oncall', name: 'On-Call Engineer', email: 'oncall@example.com', active: 'true', sys_class_name: 'sys_user' });
    snowId = await createIntegration(hub, {
      name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, direction: 'bidirectional', webhook_secret: SECRET,
    });
    pdId = await createIntegration(hub, {
      name: 'pd', type: 'pagerduty', base_url: pd.url, credentials: { token: 'pd-api-token' }, direction: 'bidirectional', webhook_secret: SECRET,
      settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' },
    });
    snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${snowId}`, secret: SECRET });
    pd.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${pdId}`, secret: SECRET });
  });

  afterAll(async () => {
    await Promise.all([snow?.close(), pd?.close()]);
    await hub?.stop();
  });

  const links = async (incidentId: string) => {
    const all: Array<{ integration_id: string; external_id: string; sync_status: string }> = (await hub.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links;
    return { snow: all.find((l) => l.integration_id === snowId), pd: all.find((l) => l.integration_id === pdId) };
  };
  const bothLinked = (incidentId: string) =>
    eventually(() => links(incidentId), (l) => l.snow?.sync_status === 'synced' && l.pd?.sync_status === 'synced', 'links on both platforms');
  const quiet = async () => {
    for (let round = 0; round < 2; round += 1) {
      await Promise.all([snow.emulator.settleWebhooks(), pd.emulator.settleWebhooks()]);
      await settled(hub, snowId);
      await settled(hub, pdId);
    }
  };
  const snowRecord = async (sysId: string) =>
    (await platformCall(snow.url, 'GET', `/api/now/table/incident/${sysId}?sysparm_fields=state,priority,impact,urgency,assigned_to.email,short_description`, snowAuth)).body.result;
  const pdIncident = async (id: string) => (await platformCall(pd.url, 'GET', `/incidents/${id}`, pdAuth)).body.incident;
  const incident = async (id: string) => (await hub.api('GET', `/api/v1/incidents/${id}`)).body;
  /** Writes to the two platform records of one incident (imports of other records by polling do not count). */
  const recordWrites = (onSnow: string, onPd: string) => [
    ...snow.emulator.requests.filter((r) => r.path === `/api/now/table/incident/${onSnow}` && r.method === 'PATCH'),
    ...pd.emulator.requests.filter((r) => r.path === `/incidents/${onPd}` && r.method === 'PUT'),
  ].length;

  it('puts a hub incident on both platforms and carries status, priority and assignee changes both ways', async () => {
    const created = (await hub.api('POST', '/api/v1/incidents', { title: 'Checkout errors', priority: 'P3' })).body;
    const { snow: onSnow, pd: onPd } = await bothLinked(created.id);
    expect(await snowRecord(onSnow!.external_id)).toMatchObject({ short_description: 'Checkout errors', state: '1', impact: '2', urgency: '2', priority: '3' });
    expect(await pdIncident(onPd!.external_id)).toMatchObject({ title: 'Checkout errors', status: 'triggered', urgency: 'low', incident_key: created.id });

    await hub.api('PATCH', `/api/v1/incidents/${created.id}`, { priority: 'P1', assignee: 'oncall@example.com' });
    await eventually(() => snowRecord(onSnow!.external_id), (r) => r.priority === '1' && r['assigned_to.email'] === 'oncall@example.com', 'P1 and assignee in ServiceNow');
    await eventually(() => pdIncident(onPd!.external_id), (i) => i.urgency === 'high' && i.priority?.summary === 'P1', 'P1 in PagerDuty');

    // Acknowledged in PagerDuty: the hub takes it and ServiceNow follows (In Progress).
    await platformCall(pd.url, 'PUT', `/incidents/${onPd!.external_id}`, pdAuth, { incident: { type: 'incident', status: 'acknowledged' } });
    await eventually(() => incident(created.id), (i) => i.status === 'acknowledged', 'acknowledged in the hub');
    await eventually(() => snowRecord(onSnow!.external_id), (r) => r.state === '2', 'In Progress in ServiceNow');

    // Priority lowered in ServiceNow: the hub and PagerDuty follow.
    await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${onSnow!.external_id}`, snowAuth, { impact: '2', urgency: '2' });
    await eventually(() => incident(created.id), (i) => i.priority === 'P3', 'P3 in the hub');
    await eventually(() => pdIncident(onPd!.external_id), (i) => i.priority?.summary === 'P3', 'P3 in PagerDuty');
    await quiet();
  });

  it('brings a PagerDuty-triggered incident to ServiceNow, and resolving it in ServiceNow resolves it in PagerDuty', async () => {
    const triggered = await platformCall(pd.url, 'POST', '/incidents', pdAuth, {
      incident: { type: 'incident', title: 'Payment API 5xx spike', service: { id: 'PSVC001', type: 'service_reference' }, urgency: 'high' },
    });
    expect(triggered.status).toBe(201);
    const pdIncidentId = triggered.body.incident.id;
    const hubIncident = await eventually(
      async () => (await hub.api('GET', '/api/v1/incidents?q=Payment%20API')).body.items[0],
      (i) => i !== undefined,
      'the hub incident created from PagerDuty',
    );
    expect(hubIncident.origin).toBe(pdId);
    const { snow: onSnow } = await bothLinked(hubIncident.id);
    expect((await snowRecord(onSnow!.external_id)).short_description).toBe('Payment API 5xx spike');

    await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${onSnow!.external_id}`, snowAuth, { state: '6', close_code: 'Solved (Permanently)', close_notes: 'Rolled back the release' });
    await eventually(() => pdIncident(pdIncidentId), (i) => i.status === 'resolved', 'resolved in PagerDuty');
    expect((await incident(hubIncident.id)).status).toBe('resolved');
    await quiet();
  });

  it('carries comments across once each', async () => {
    const created = (await hub.api('POST', '/api/v1/incidents', { title: 'Comment relay' })).body;
    const { snow: onSnow, pd: onPd } = await bothLinked(created.id);
    await hub.api('POST', `/api/v1/incidents/${created.id}/comments`, { body: 'Hub: investigating' });
    await platformCall(pd.url, 'POST', `/incidents/${onPd!.external_id}/notes`, pdAuth, { note: { content: 'PD: pager acknowledged' } });
    await eventually(
      async () => (await platformCall(snow.url, 'GET', `/api/now/table/sys_journal_field?sysparm_query=element_id=${onSnow!.external_id}&sysparm_fields=value`, snowAuth)).body.result.map((r: { value: string }) => r.value).sort(),
      (values) => values.length === 2,
      'both comments in ServiceNow',
    );
    await quiet();
    const notes = (await platformCall(pd.url, 'GET', `/incidents/${onPd!.external_id}/notes`, pdAuth)).body.notes.map((n: { content: string }) => n.content).sort();
    expect(notes).toEqual(['Hub: investigating', 'PD: pager acknowledged']);
    expect((await incident(created.id)).comments.map((c: { body: string }) => c.body).sort()).toEqual(['Hub: investigating', 'PD: pager acknowledged']);
  });

  it('keeps writes bounded with webhooks and polling together (no loop)', async () => {
    await hub.api('PATCH', `/api/v1/integrations/${snowId}`, { settings: { poll_interval_seconds: 1 } });
    await hub.api('PATCH', `/api/v1/integrations/${pdId}`, { settings: { poll_interval_seconds: 1 } });
    const created = (await hub.api('POST', '/api/v1/incidents', { title: 'Loop guard', priority: 'P4' })).body;
    const { snow: onSnow, pd: onPd } = await bothLinked(created.id);
    const writes = () => recordWrites(onSnow!.external_id, onPd!.external_id);
    await quiet();
    const before = writes();
    await hub.api('PATCH', `/api/v1/incidents/${created.id}`, { title: 'Loop guard (renamed)' });
    await eventually(async () => writes(), (n) => n - before >= 2, 'the rename on both platforms');
    // Let several poll rounds pass: each re-reads the records and must find nothing to do.
    const polled = async () => (await hub.api('GET', `/api/v1/integrations/${snowId}/sync-status`)).body.last_polled_at;
    const firstPoll = await polled();
    await eventually(polled, (at) => at !== firstPoll, 'another poll of ServiceNow', 10_000);
    await quiet();
    expect(writes() - before).toBe(2);
    await hub.api('PATCH', `/api/v1/integrations/${snowId}`, { settings: { poll_interval_seconds: 0 } });
    await hub.api('PATCH', `/api/v1/integrations/${pdId}`, { settings: { poll_interval_seconds: 0 } });
  });
});
