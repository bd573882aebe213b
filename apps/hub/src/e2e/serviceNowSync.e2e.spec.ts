import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { createHmac } from 'node:crypto';
import { startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'snow-webhook-secret';
const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

describe('incident sync with ServiceNow (real hub, PostgreSQL, emulator with signed webhooks)', () => {
  let hub: TestHub;
  let snow: ServiceNowEmulatorHandle;
  let integrationId: string;

  beforeAll(async () => {
    [hub, snow] = await Promise.all([startTestHub(), startEmulator()]);
    integrationId = await createIntegration(hub, {
      name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' },
      direction: 'bidirectional', webhook_secret: SECRET,
    });
    snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${integrationId}`, secret: SECRET });
  });

  afterAll(async () => {
    await snow?.close();
    await hub?.stop();
  });

  const writes = () => snow.emulator.requests.filter((r) => r.path.startsWith('/api/now/table/incident') && ['POST', 'PATCH'].includes(r.method));
  const linkOf = async (incidentId: string) => (await hub.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links[0];
  const snowRecord = async (sysId: string) =>
    (await platformCall(snow.url, 'GET', `/api/now/table/incident/${sysId}?sysparm_fields=state,impact,urgency,priority,short_description,assigned_to.email,correlation_id`, basic)).body.result;

  it('creates a hub incident in ServiceNow once and sends later changes as updates of the changed fields', async () => {
    const before = writes().length;
    const created = await hub.api('POST', '/api/v1/incidents', { title: 'Mail relay down', priority: 'P2', assignee: 'admin@example.com' });
    expect(created.status).toBe(201);
    const link = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced', 'the ServiceNow link');
    const record = await snowRecord(link.external_id);
    expect(record).toMatchObject({ short_description: 'Mail relay down', state: '1', impact: '1', urgency: '2', priority: '2', 'assigned_to.email': 'admin@example.com', correlation_id: created.body.id });
    await hub.api('PATCH', `/api/v1/incidents/${created.body.id}`, { status: 'in_progress' });
    await eventually(() => snowRecord(link.external_id), (r) => r.state === '2', 'state In Progress in ServiceNow');
    await settled(hub, integrationId);
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    // One create and one update; the webhooks of both came back as echoes and caused nothing.
    expect(writes().length - before).toBe(2);
  });

  it('brings changes made in ServiceNow into the hub (webhook) without writing them back', async () => {
    const created = await hub.api('POST', '/api/v1/incidents', { title: 'VPN flapping', priority: 'P3' });
    const link = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced', 'the ServiceNow link');
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    const before = writes().length;
    const edit = await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { impact: '1', urgency: '1', comments: 'Escalated by the network team' });
    expect(edit.status).toBe(200);
    const incident = await eventually(
      async () => (await hub.api('GET', `/api/v1/incidents/${created.body.id}`)).body,
      (i) => i.priority === 'P1' && i.comments.length === 1,
      'priority P1 and the comment in the hub',
    );
    expect(incident.comments[0]).toMatchObject({ body: 'Escalated by the network team', origin: integrationId });
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    expect(writes().length - before).toBe(1);
  });

  it('polls for changes when the instance sends no webhooks', async () => {
    const created = await hub.api('POST', '/api/v1/incidents', { title: 'Printer queue stuck' });
    const link = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced', 'the ServiceNow link');
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    snow.emulator.unsubscribeWebhooks();
    try {
      await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { poll_interval_seconds: 1 } });
      await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { state: '3' });
      await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${created.body.id}`)).body.status, (s) => s === 'on_hold', 'On Hold in the hub, by polling');
    } finally {
      await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { poll_interval_seconds: 0 } });
      snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${integrationId}`, secret: SECRET });
    }
  });

  it('refuses a bad signature, acknowledges a replay (same body, any delivery id) without queuing it, and keeps an unreadable record\'s event as failed', async () => {
    const body = JSON.stringify({ event: 'incident.updated', sys_id: 'f'.repeat(32), number: 'INC0', sys_updated_on: '2026-01-01 00:00:00', sys_mod_count: '1', correlation_id: '', changed_fields: [], sent_at: String(Date.now()) });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const post = (sig: string, delivery: string) =>
      hub.api('POST', `/api/v1/webhooks/${integrationId}`, body, null, { 'X-Hub-Signature-256': sig, 'X-Hub-Delivery': delivery });
    const bad = await post(`sha256=${'0'.repeat(64)}`, 'd-bad');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('HUB_ERR_WEBHOOK_INVALID_SIGNATURE');
    expect((await post(signature, 'd-1')).status).toBe(202);
    const replay = await post(signature, 'd-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ queued: 0, duplicates: 1, echoes: 0 });
    // The delivery header is not signed: the same signed body under a new one is still a replay.
    const relabelled = await post(signature, 'd-2');
    expect([relabelled.status, relabelled.body]).toEqual([200, { queued: 0, duplicates: 1, echoes: 0 }]);

    // No such record on the instance: the event is kept as failed and shown, not dropped.
    const status = await eventually(
      async () => (await hub.api('GET', `/api/v1/integrations/${integrationId}/sync-status`)).body,
      (s) => s.inbound_errors === 1, 'the unreadable record counted as an inbound error');
    expect(status.last_inbound_error).toContain(`no incident ${'f'.repeat(32)}`);
    const inbox = (await hub.api('GET', `/api/v1/integrations/${integrationId}/inbox?state=failed`)).body;
    expect(inbox).toMatchObject({ total: 1, items: [{ external_id: 'f'.repeat(32), state: 'failed', error_kind: 'not_found', error_status: 404 }] });
    const metrics = await fetch(`${hub.hub.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/itsm_sync_inbound_failures_total\{integration_type="servicenow",reason="not_found"\} 1/);

    // Once the record is readable, a retry brings it in.
    const seeded = snow.emulator.tables.incident[0];
    snow.emulator.tables.incident.push({ ...seeded, sys_id: 'f'.repeat(32), number: 'INC0099999', short_description: 'Hidden until now', correlation_id: '' });
    expect((await hub.api('POST', `/api/v1/integrations/${integrationId}/inbox/${inbox.items[0].id}/retry`)).status).toBe(202);
    await eventually(async () => (await hub.api('GET', `/api/v1/integrations/${integrationId}/sync-status`)).body, (s) => s.inbound_errors === 0 && s.inbox_depth === 0, 'the retried event applied');
    const incidents = (await hub.api('GET', '/api/v1/incidents?limit=100')).body.items;
    expect(incidents.map((i: { title: string }) => i.title)).toContain('Hidden until now');
    expect((await hub.api('POST', `/api/v1/integrations/${integrationId}/inbox/${inbox.items[0].id}/retry`)).status).toBe(404);
  });

  it('refuses the older script\'s deliveries (no signed sent_at) on a new integration, and accepts them with a warning where not required', async () => {
    const old = { event: 'incident.updated', sys_id: 'e'.repeat(32), number: 'INC1', sys_updated_on: '2026-01-01 00:00:00', sys_mod_count: '1', correlation_id: '', changed_fields: [] };
    const post = (id: string, body: unknown) => {
      const raw = JSON.stringify(body);
      return hub.api('POST', `/api/v1/webhooks/${id}`, raw, null, { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` });
    };
    expect((await hub.api('GET', `/api/v1/integrations/${integrationId}`)).body.settings.require_signed_timestamp).toBe(true);
    const refused = await post(integrationId, old);
    expect([refused.status, refused.body.code]).toEqual([401, 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE']);
    expect(refused.body.detail).toContain('require_signed_timestamp');
    const stale = await post(integrationId, { ...old, sent_at: String(Date.now() - 10 * 60_000) });
    expect([stale.status, stale.body.detail]).toEqual([401, expect.stringContaining('deliveries are accepted within 300 s')]);

    const lenient = await createIntegration(hub, {
      name: 'snow-old-script', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' },
      direction: 'inbound', webhook_secret: SECRET, settings: { require_signed_timestamp: false },
    });
    expect((await post(lenient, old)).status).toBe(202);
    const status = (await hub.api('GET', `/api/v1/integrations/${lenient}/sync-status`)).body;
    expect(status.webhook_warning).toContain('update the ItsmHubWebhook script include');
    expect((await post(lenient, { ...old, sys_mod_count: '2', sent_at: String(Date.now()) })).status).toBe(202);
    expect((await hub.api('GET', `/api/v1/integrations/${lenient}/sync-status`)).body.webhook_warning).toBeNull();
    expect((await hub.api('DELETE', `/api/v1/integrations/${lenient}?force=true`)).status).toBe(204);
  });

  it('lands every change exactly once with 20% injected failures and lost responses', async () => {
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    snow.emulator.setFaultProfile({ error_rate: 0.1, timeout_rate: 0.1, seed: 7, path_prefix: '/api/now/table/incident' });
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) ids.push((await hub.api('POST', '/api/v1/incidents', { title: `Flaky ${i}`, priority: 'P4' })).body.id);
    for (const id of ids) await eventually(() => linkOf(id), (l) => l?.sync_status === 'synced', `incident ${id} synced`, 60_000);
    snow.emulator.clearFaults();
    for (const id of ids) {
      const listed = await platformCall(snow.url, 'GET', `/api/now/table/incident?sysparm_query=correlation_id=${id}&sysparm_fields=sys_id`, basic);
      expect(listed.body.result).toHaveLength(1);
    }
  });

  it('creates an incident whose assignee has no ServiceNow account without the assignee, warns once, and assigns it once the user exists', async () => {
    const created = await hub.api('POST', '/api/v1/incidents', { title: 'New hire on call', assignee: 'new.hire@example.com' });
    const link = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced', 'the create without the assignee');
    expect(link.omitted).toEqual({ assigned_to: 'new.hire@example.com' });
    expect(link.last_error).toBe("warning: assigned_to left out: No ServiceNow user has the email 'new.hire@example.com' (assigned_to)");
    expect(await snowRecord(link.external_id)).toMatchObject({ short_description: 'New hire on call', 'assigned_to.email': '' });
    const audit = await eventually(
      async () => (await hub.api('GET', `/api/v1/integrations/${integrationId}/audit?limit=500`)).body.items,
      (items: Array<{ error: string | null }>) => items.some((i) => i.error?.includes('assigned_to left out')), 'the warning in the audit log');
    // The write that went without the assignee carries the warning in the audit log.
    expect(audit.find((i: { error: string | null }) => i.error?.includes('assigned_to left out'))).toMatchObject({ operation: 'create', entity_id: created.body.id, method: 'POST', result: 'success' });

    snow.emulator.tables.sys_user.push({ sys_id: 'b'.repeat(32), user_name: 'new.hire', name: 'New Hire', email: 'new.hire@example.com', active: 'true', sys_class_name: 'sys_user' });
    await hub.api('PATCH', `/api/v1/incidents/${created.body.id}`, { priority: 'P2' });
    const assigned = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced' && Object.keys(l.omitted).length === 0, 'the assignee written');
    expect(assigned.last_error).toBeNull();
    expect((await snowRecord(link.external_id))['assigned_to.email']).toBe('new.hire@example.com');
  });

  it('puts a permanent failure (an unknown assignee, with unknown_person: dead_letter) in the dead letter queue with the vendor message, and a retry sends it', async () => {
    expect((await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { unknown_person: 'dead_letter' } })).status).toBe(200);
    const created = await hub.api('POST', '/api/v1/incidents', { title: 'Unknown assignee', assignee: 'nobody@example.com' });
    const dlq = await eventually(
      async () => (await hub.api('GET', `/api/v1/integrations/${integrationId}/dead-letter-queue`)).body,
      (body) => body.items.some((e: { incident_id: string }) => e.incident_id === created.body.id),
      'a dead letter entry',
    );
    const entry = dlq.items.find((e: { incident_id: string }) => e.incident_id === created.body.id);
    expect(entry.error_message).toContain('nobody@example.com');
    expect((await linkOf(created.body.id)).sync_status).toBe('dead_letter');
    const blocked = await hub.api('DELETE', `/api/v1/integrations/${integrationId}`);
    expect(blocked.status).toBe(409);
    await hub.api('PATCH', `/api/v1/incidents/${created.body.id}`, { assignee: 'abel.tuter@example.com' });
    expect((await hub.api('POST', `/api/v1/integrations/${integrationId}/dead-letter-queue/${entry.id}/retry`)).status).toBe(202);
    const link = await eventually(() => linkOf(created.body.id), (l) => l?.sync_status === 'synced', 'the retried create');
    expect((await snowRecord(link.external_id))['assigned_to.email']).toBe('abel.tuter@example.com');
    expect((await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { unknown_person: null } })).status).toBe(200);
  });

  it('loses nothing and duplicates nothing when the hub stops mid-run', async () => {
    await settled(hub, integrationId);
    snow.emulator.setFaultProfile({ latency_ms: 30, path_prefix: '/api/now/table/incident' });
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) ids.push((await hub.api('POST', '/api/v1/incidents', { title: `Restart ${i}` })).body.id);
    await hub.restart();
    for (const id of ids) await eventually(() => linkOf(id), (l) => l?.sync_status === 'synced', `incident ${id} after restart`, 60_000);
    snow.emulator.clearFaults();
    for (const id of ids) {
      const listed = await platformCall(snow.url, 'GET', `/api/now/table/incident?sysparm_query=correlation_id=${id}&sysparm_fields=sys_id`, basic);
      expect(listed.body.result).toHaveLength(1);
    }
  });
});
