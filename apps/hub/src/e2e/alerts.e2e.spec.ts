import { startEmulator as startPagerDuty } from '@itsm-hub/adapter-pagerduty/emulator';
import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { createLogger } from '@itsm-hub/core';
import { Client } from 'pg';
import { startHub, type RunningHub } from '../server';
import { ADMIN_TOKEN, LogCapture, startTestHub, type TestHub } from './hubFixture';
import { imInProcess } from './imInProcess';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
const NOW = () => new Date().toISOString();
// Two hub processes share a database only on a server: one embedded database takes one process.
const itOnServer = process.env.DATABASE_URL ? it : it.skip;

/** An Alertmanager webhook body (version 4), as Alertmanager sends it. */
function alertmanager(groupKey: string, alerts: Array<{ status?: 'firing' | 'resolved'; fingerprint: string; labels: Record<string, string>; summary?: string }>) {
  const firing = alerts.some((a) => (a.status ?? 'firing') === 'firing');
  return {
    version: '4', groupKey, truncatedAlerts: 0, status: firing ? 'firing' : 'resolved', receiver: 'itsm-hub',
    groupLabels: { alertname: alerts[0].labels.alertname }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing', labels: a.labels, annotations: { summary: a.summary ?? `${a.labels.alertname} on ${a.labels.instance ?? 'host'}` },
      startsAt: '2026-12-02T10:00:00Z', endsAt: a.status === 'resolved' ? NOW() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph', fingerprint: a.fingerprint,
    })),
  };
}

describe('alerts to incidents (real hub, PostgreSQL, ServiceNow and PagerDuty emulators)', () => {
  let hub: TestHub;
  let snow: ServiceNowEmulatorHandle;
  let pd: Awaited<ReturnType<typeof startPagerDuty>>;
  let snowId: string;
  let pdId: string;
  let db: Client;

  beforeAll(async () => {
    [hub, snow, pd] = await Promise.all([startTestHub(), startEmulator(), startPagerDuty()]);
    snowId = await createIntegration(hub, { name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, direction: 'bidirectional' });
    pdId = await createIntegration(hub, {
      name: 'pd', type: 'pagerduty', base_url: pd.url, credentials: { ...pd.credentials }, direction: 'bidirectional',
      settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' },
    });
    db = new Client({ connectionString: hub.db.url });
    await db.connect();
    const mapping = await hub.api('POST', '/api/v1/alert-mappings', {
      name: 'net-a cpu', alert_type: 'CPUUsage', match: { network: 'net-a' }, integrations: ['snow'],
      fields: { title: 'CPU high on {{labels.instance}}', category: 'hardware', subcategory: 'cpu' },
      platform_fields: { snow: { cmdb_ci: '{{labels.instance}}', business_service: 'Email' } },
      reopen_window: '1h',
    });
    expect(mapping.status).toBe(201);
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([snow?.close(), pd?.close()]);
    await hub?.stop();
  });

  const snowIncidents = async (query: string) =>
    (await platformCall(snow.url, 'GET', `/api/now/table/incident?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=sys_id,number,state,short_description,cmdb_ci,business_service,category,priority,correlation_id`, basic)).body.result as Array<Record<string, string>>;
  const pdWrites = () => pd.emulator.requests.filter((r) => r.method !== 'GET').length;
  const alertOf = async (id: string) => (await hub.api('GET', `/api/v1/alerts/${id}`)).body;
  const ticketed = (id: string) => eventually(() => alertOf(id), (a) => a.tickets?.[0]?.number && a.tickets[0].sync_status === 'synced', 'the alert to show its ticket');

  it('opens one ServiceNow ticket per alert with the platform fields, only on the mapping\'s integrations, and deduplicates repeats', async () => {
    const pdBefore = pdWrites();
    const body = alertmanager('{}:{alertname="CPUUsage"}', [{ fingerprint: 'fp-cpu-1', labels: { alertname: 'CPUUsage', network: 'net-a', instance: 'web-1', severity: 'critical' } }]);
    const first = await hub.api('POST', '/api/v1/alerts/alertmanager', body);
    expect(first.status).toBe(202);
    expect(first.body.alerts).toEqual([expect.objectContaining({ status: 'firing', deduplicated: false, incident_id: expect.any(String) })]);
    const again = await hub.api('POST', '/api/v1/alerts/alertmanager', body);
    expect(again.body.alerts[0]).toMatchObject({ id: first.body.alerts[0].id, deduplicated: true, incident_id: first.body.alerts[0].incident_id });
    const alert = await ticketed(first.body.alerts[0].id);
    expect(alert).toMatchObject({ count: 2, status: 'firing', mapping_name: 'net-a cpu', incident: { title: 'CPU high on web-1' } });
    expect(alert.tickets).toHaveLength(1);
    expect(alert.tickets[0]).toMatchObject({ integration_name: 'snow', table: 'incident', number: expect.stringMatching(/^INC/), url: expect.stringContaining(alert.tickets[0].external_id) });
    const [ticket] = await snowIncidents(`correlation_id=${alert.incident_id}`);
    expect(ticket).toMatchObject({ short_description: 'CPU high on web-1', cmdb_ci: 'web-1', business_service: 'Email', category: 'hardware', priority: '1' });
    await settled(hub, snowId);
    await settled(hub, pdId);
    expect(pdWrites()).toBe(pdBefore);
    expect((await snowIncidents(`correlation_id=${alert.incident_id}`)).length).toBe(1);
  });

  it('acknowledging in the hub updates the ticket; closing the ticket in ServiceNow resolves the alert', async () => {
    const taken = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-ack', [{ fingerprint: 'fp-ack', labels: { alertname: 'CPUUsage', network: 'net-a', instance: 'db-1' } }]));
    const alert = await ticketed(taken.body.alerts[0].id);
    const acked = await hub.api('POST', `/api/v1/alerts/${alert.id}/acknowledge`);
    expect(acked.body).toMatchObject({ status: 'acknowledged', incident: { status: 'acknowledged' } });
    await eventually(async () => (await snowIncidents(`sys_id=${alert.tickets[0].external_id}`))[0].state, (s) => s === '2', 'the ticket In Progress');
    await settled(hub, snowId);
    await hub.api('PATCH', `/api/v1/integrations/${snowId}`, { settings: { poll_interval_seconds: 1 } });
    try {
      await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${alert.tickets[0].external_id}`, basic, { state: '6', close_code: 'Solved (Permanently)', close_notes: 'Replaced the fan' });
      await eventually(() => alertOf(alert.id), (a) => a.status === 'resolved', 'the alert resolved by the ticket');
    } finally {
      await hub.api('PATCH', `/api/v1/integrations/${snowId}`, { settings: { poll_interval_seconds: 0 } });
    }
  });

  it('resolves the ticket when the alert resolves; a firing within the reopen window reopens it, one after it opens a new ticket', async () => {
    const labels = { alertname: 'CPUUsage', network: 'net-a', instance: 'app-1' };
    const fired = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-reopen', [{ fingerprint: 'fp-reopen', labels }]));
    const alert = await ticketed(fired.body.alerts[0].id);
    await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-reopen', [{ fingerprint: 'fp-reopen', labels, status: 'resolved' }]));
    await eventually(async () => (await snowIncidents(`sys_id=${alert.tickets[0].external_id}`))[0].state, (s) => s === '6', 'the ticket Resolved');
    const refired = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-reopen', [{ fingerprint: 'fp-reopen', labels }]));
    expect(refired.body.alerts[0]).toMatchObject({ id: alert.id, incident_id: alert.incident_id, deduplicated: true, status: 'firing' });
    await eventually(async () => (await snowIncidents(`sys_id=${alert.tickets[0].external_id}`))[0].state, (s) => s === '2', 'the ticket reopened');
    await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-reopen', [{ fingerprint: 'fp-reopen', labels, status: 'resolved' }]));
    // Two hours pass: the next firing is outside the reopen window.
    await db.query(`UPDATE alerts SET resolved_at = resolved_at - interval '2 hours' WHERE id = $1`, [alert.id]);
    const later = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-reopen', [{ fingerprint: 'fp-reopen', labels }]));
    expect(later.body.alerts[0].id).not.toBe(alert.id);
    expect(later.body.alerts[0].incident_id).not.toBe(alert.incident_id);
    await ticketed(later.body.alerts[0].id);
  });

  it('one multi-alert group with group_by group is one ticket that resolves only when every alert of the group resolved', async () => {
    await hub.api('POST', '/api/v1/alert-mappings', { name: 'disk by group', alert_type: 'DiskUsage', integrations: ['snow'], group_by: 'group' });
    const group = (statuses: Array<'firing' | 'resolved'>) => alertmanager('{}:{alertname="DiskUsage"}', statuses.map((status, i) => ({ status, fingerprint: `fp-disk-${i}`, labels: { alertname: 'DiskUsage', instance: `nas-${i}` } })));
    const fired = await hub.api('POST', '/api/v1/alerts/alertmanager', group(['firing', 'firing', 'firing']));
    expect(fired.body.alerts).toHaveLength(1);
    const alert = await ticketed(fired.body.alerts[0].id);
    const partly = await hub.api('POST', '/api/v1/alerts/alertmanager', group(['resolved', 'firing', 'firing']));
    expect(partly.body.alerts[0]).toMatchObject({ id: alert.id, status: 'firing' });
    const all = await hub.api('POST', '/api/v1/alerts/alertmanager', group(['resolved', 'resolved', 'resolved']));
    expect(all.body.alerts[0]).toMatchObject({ id: alert.id, status: 'resolved' });
    expect((await hub.api('GET', `/api/v1/incidents/${alert.incident_id}`)).body.status).toBe('resolved');
  });

  it('keeps unmapped alerts listed, suppresses alerts in a maintenance window, and waits for approval in approve mode', async () => {
    const unmapped = await hub.api('POST', '/api/v1/alerts', { source: 'zabbix', type: 'Temperature', summary: 'Rack 4 hot', severity: 'warning', labels: { rack: '4' } });
    expect(unmapped.body.alerts[0]).toMatchObject({ status: 'unmapped', incident_id: null });
    const listed = await hub.api('GET', '/api/v1/alerts?status=unmapped');
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(unmapped.body.alerts[0].id);

    const window = await hub.api('POST', '/api/v1/maintenance-windows', { name: 'net-a patching', match: { network: 'net-a' }, starts_at: new Date(Date.now() - 60_000).toISOString(), ends_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(window.status).toBe(201);
    try {
      const suppressed = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-maint', [{ fingerprint: 'fp-maint', labels: { alertname: 'CPUUsage', network: 'net-a', instance: 'web-9' } }]));
      expect(suppressed.body.alerts[0]).toMatchObject({ status: 'suppressed', incident_id: null });
    } finally {
      await hub.api('DELETE', `/api/v1/maintenance-windows/${window.body.id}`);
    }

    await hub.api('POST', '/api/v1/alert-mappings', { name: 'memory, approved', alert_type: 'MemoryUsage', integrations: ['snow'], mode: 'approve' });
    const pending = await hub.api('POST', '/api/v1/alerts', { source: 'prometheus', type: 'MemoryUsage', summary: 'Memory high on cache-1', severity: 'error' });
    expect(pending.body.alerts[0]).toMatchObject({ status: 'pending_approval', incident_id: null });
    const approved = await hub.api('POST', `/api/v1/alerts/${pending.body.alerts[0].id}/approve`);
    expect(approved.body).toMatchObject({ status: 'firing', incident: { title: 'Memory high on cache-1' } });
    await ticketed(pending.body.alerts[0].id);
  });

  it('groups a storm: the first alerts get their own tickets, later ones join one storm ticket', async () => {
    const created = await hub.api('POST', '/api/v1/alert-mappings', { name: 'up-down storm', alert_type: 'SystemDown', integrations: ['snow'], storm: { window: '10m', threshold: 3 } });
    expect(created.status).toBe(201);
    const hosts = Array.from({ length: 10 }, (_, i) => ({ fingerprint: `fp-down-${i}`, labels: { alertname: 'SystemDown', instance: `edge-${i}` } }));
    const taken = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-storm', hosts));
    const incidents = new Set(taken.body.alerts.map((a: { incident_id: string }) => a.incident_id));
    expect(incidents.size).toBe(4);
    const storm = await hub.api('GET', `/api/v1/incidents/${taken.body.alerts[9].incident_id}`);
    expect(storm.body).toMatchObject({ title: 'Alert storm: up-down storm', description: expect.stringContaining('7 alerts of mapping "up-down storm"') });
  });

  it('takes PagerDuty Events API v2 events with an intake key and answers as PagerDuty does', async () => {
    const key = await hub.api('POST', '/api/v1/alert-intake-keys', { name: 'grafana' });
    expect(key.body.routing_key).toMatch(/^[0-9a-f]{32}$/);
    await hub.api('POST', '/api/v1/alert-mappings', { name: 'events', alert_type: 'latency', integrations: ['snow'] });
    const event = { routing_key: key.body.routing_key, event_action: 'trigger', dedup_key: 'checkout-latency', payload: { summary: 'Checkout p99 over 2s', source: 'grafana', severity: 'error', class: 'latency' } };
    const sent = await hub.api('POST', '/api/v1/alerts/events', event, null);
    expect(sent).toMatchObject({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'checkout-latency' } });
    await hub.api('POST', '/api/v1/alerts/events', event, null);
    const [alert] = (await hub.api('GET', '/api/v1/alerts?dedup_key=checkout-latency')).body.items;
    expect(alert).toMatchObject({ count: 2, severity: 'error' });
    const bad = await hub.api('POST', '/api/v1/alerts/events', { ...event, event_action: 'explode' }, null);
    expect(bad).toMatchObject({ status: 400, body: { status: 'invalid event', errors: [expect.stringContaining('event_action')] } });
    const resolved = await hub.api('POST', '/api/v1/alerts/events', { routing_key: key.body.routing_key, event_action: 'resolve', dedup_key: 'checkout-latency' }, null);
    expect(resolved.status).toBe(202);
    expect((await alertOf(alert.id)).status).toBe('resolved');
    await hub.api('DELETE', `/api/v1/alert-intake-keys/${key.body.id}`);
    expect((await hub.api('POST', '/api/v1/alerts/events', event, null)).status).toBe(400);
  });

  it('lets an ingest token post alerts and nothing else, and refuses a malformed payload naming the field', async () => {
    const issued = await hub.api('POST', '/api/v1/organizations/default/tokens', { name: 'alertmanager', role: 'ingest' });
    expect(issued.status).toBe(201);
    const token = issued.body.token;
    const posted = await hub.api('POST', '/api/v1/alerts/alertmanager', alertmanager('g-ingest', [{ fingerprint: 'fp-ingest', labels: { alertname: 'Other' } }]), token);
    expect(posted.status).toBe(202);
    expect((await hub.api('GET', '/api/v1/alerts', undefined, token)).status).toBe(403);
    expect((await hub.api('GET', '/api/v1/integrations', undefined, token)).status).toBe(403);
    const before = (await hub.api('GET', '/api/v1/alerts?limit=500')).body.total;
    const bad = await hub.api('POST', '/api/v1/alerts/alertmanager', { ...alertmanager('g-bad', [{ fingerprint: 'fp-bad', labels: { alertname: 'X' } }]), version: '3' }, token);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('version');
    expect((await hub.api('GET', '/api/v1/alerts?limit=500')).body.total).toBe(before);
  });

  itOnServer('counts one firing group sent to two hub processes at once on one alert with one ticket', async () => {
    const second: RunningHub = await startHub(hub.config, createLogger({ level: 'warn', destination: new LogCapture() }));
    try {
      const body = alertmanager('g-two', [{ fingerprint: 'fp-two', labels: { alertname: 'CPUUsage', network: 'net-a', instance: 'twin-1' } }]);
      const post = (url: string) => fetch(`${url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${hub.config.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ alerts: Array<{ id: string; incident_id: string }> }>);
      const answers = await Promise.all([post(hub.hub.url), post(second.url), post(hub.hub.url), post(second.url)]);
      const ids = new Set(answers.map((a) => a.alerts[0].id));
      const incidents = new Set(answers.map((a) => a.alerts[0].incident_id));
      expect(ids.size).toBe(1);
      expect(incidents.size).toBe(1);
      const alert = await ticketed([...ids][0] as string);
      expect(alert.count).toBe(4);
      expect((await snowIncidents(`correlation_id=${alert.incident_id}`)).length).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('im alert and im alert-mapping list, show, acknowledge and manage keys and mappings', async () => {
    const saved = { ...process.env };
    const dir = mkdtempSync(join(tmpdir(), 'im-alert-'));
    Object.assign(process.env, { XDG_CONFIG_HOME: dir, HUB_URL: hub.hub.url, HUB_TOKEN: ADMIN_TOKEN });
    try {
      const file = join(dir, 'mapping.json');
      writeFileSync(file, JSON.stringify({ name: 'cli swap', alert_type: 'SwapUsage', integrations: ['snow'] }));
      expect((await imInProcess(['alert-mapping', 'create', '--file', file])).code).toBe(0);
      const listed = await imInProcess(['alert-mapping', 'list']);
      expect(listed.stdout).toContain('cli swap');
      const fired = await hub.api('POST', '/api/v1/alerts', { source: 'prometheus', type: 'SwapUsage', summary: 'Swap full on batch-1' });
      await ticketed(fired.body.alerts[0].id);
      const shown = await imInProcess(['alert', 'list', '--status', 'firing']);
      expect(shown.stdout).toMatch(/Swap full on batch-1.*snow:INC/);
      const acked = await imInProcess(['alert', 'ack', fired.body.alerts[0].id.slice(0, 8), '--format', 'json']);
      expect(JSON.parse(acked.stdout)).toMatchObject({ status: 'acknowledged', incident: { status: 'acknowledged' } });
      const key = await imInProcess(['alert', 'key', 'create', 'zabbix', '--format', 'json']);
      const { id, routing_key } = JSON.parse(key.stdout);
      expect(routing_key).toHaveLength(32);
      expect((await imInProcess(['alert', 'key', 'list'])).stdout).not.toContain(routing_key);
      expect((await imInProcess(['alert', 'key', 'revoke', id])).code).toBe(0);
      const tested = await imInProcess(['alert-mapping', 'test', 'cli swap', '--format', 'json']);
      expect(tested.code).toBe(0);
      const report = JSON.parse(tested.stdout);
      expect(report).toMatchObject({ resolved: true, tickets: [expect.objectContaining({ integration_name: 'snow', number: expect.stringMatching(/^INC/) })] });
      await eventually(async () => (await snowIncidents(`sys_id=${report.tickets[0].external_id}`))[0].state, (st) => st === '6', 'the test ticket resolved');
      expect((await imInProcess(['alert-mapping', 'delete', 'cli swap'])).code).toBe(0);
      const missing = await imInProcess(['alert-mapping', 'get', 'cli swap']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('cli swap');
    } finally {
      process.env = saved;
    }
  });
});
