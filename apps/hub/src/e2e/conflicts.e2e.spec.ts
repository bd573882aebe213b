import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'conflict-secret';
const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

/**
 * Conflicts need both sides to change a field since the last sync. The integration is switched to
 * inbound while the hub's change is made, so that change is not sent before ServiceNow's arrives.
 */
describe('conflict strategies (DESIGN.md conflict rule) end to end with ServiceNow', () => {
  let hub: TestHub;
  let snow: ServiceNowEmulatorHandle;

  beforeAll(async () => {
    [hub, snow] = await Promise.all([startTestHub({ sync: { conflictWindowMs: 5_000 } }), startEmulator()]);
  });

  afterAll(async () => {
    await snow?.close();
    await hub?.stop();
  });

  let current: string | undefined;
  afterEach(async () => {
    await hub.api('DELETE', `/api/v1/integrations/${current}?force=true`);
  });

  /** One integration per test, so each test's incidents go to its strategy only. */
  async function setup(name: string, strategy: string) {
    current = await createIntegration(hub, {
      name, type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, direction: 'bidirectional', webhook_secret: SECRET, conflict_strategy: strategy,
    });
    snow.emulator.unsubscribeWebhooks();
    snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${current}`, secret: SECRET });
    return current;
  }

  /** Makes the hub and ServiceNow both change the title of a fresh incident; returns ids. */
  async function bothChangeTitle(integrationId: string) {
    const incident = (await hub.api('POST', '/api/v1/incidents', { title: 'Original title' })).body;
    const link = await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links[0], (l) => l?.sync_status === 'synced', 'the link');
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { direction: 'inbound' });
    await hub.api('PATCH', `/api/v1/incidents/${incident.id}`, { title: 'Title from the hub' });
    await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { short_description: 'Title from ServiceNow' });
    await snow.emulator.settleWebhooks();
    await settled(hub, integrationId);
    await hub.api('PATCH', `/api/v1/integrations/${integrationId}`, { direction: 'bidirectional' });
    return { incidentId: incident.id as string, sysId: link.external_id as string };
  }

  const title = async (incidentId: string) => (await hub.api('GET', `/api/v1/incidents/${incidentId}`)).body.title;
  const snowTitle = async (sysId: string) =>
    (await platformCall(snow.url, 'GET', `/api/now/table/incident/${sysId}?sysparm_fields=short_description`, basic)).body.result.short_description;
  const pendingConflict = async (integrationId: string, incidentId: string) =>
    (await hub.api('GET', `/api/v1/conflicts?integration=${integrationId}&incident=${incidentId}&status=pending`)).body.items[0];

  it('manual review holds the field and resolves with the platform value', async () => {
    const integrationId = await setup('mr-platform', 'manual-review');
    const { incidentId, sysId } = await bothChangeTitle(integrationId);
    const conflict = await pendingConflict(integrationId, incidentId);
    expect(conflict).toMatchObject({ field_name: 'title', platform_value: 'Title from the hub', external_value: 'Title from ServiceNow', status: 'pending' });
    const links = (await hub.api('GET', `/api/v1/incidents/${incidentId}/links`)).body.links;
    expect(links[0].sync_status).toBe('conflict');
    // Held on both sides: neither value moved.
    expect(await title(incidentId)).toBe('Title from the hub');
    expect(await snowTitle(sysId)).toBe('Title from ServiceNow');
    const resolved = await hub.api('POST', `/api/v1/conflicts/${conflict.id}/resolve`, { use: 'platform' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'use_platform' });
    await eventually(() => snowTitle(sysId), (t) => t === 'Title from the hub', 'the hub title in ServiceNow');
    expect((await hub.api('POST', `/api/v1/conflicts/${conflict.id}/resolve`, { use: 'external' })).status).toBe(409);
  });

  it('manual review resolves with the external value', async () => {
    const integrationId = await setup('mr-external', 'manual-review');
    const { incidentId } = await bothChangeTitle(integrationId);
    const conflict = await pendingConflict(integrationId, incidentId);
    await hub.api('POST', `/api/v1/conflicts/${conflict.id}/resolve`, { use: 'external' });
    expect(await title(incidentId)).toBe('Title from ServiceNow');
  });

  it('manual review ignore writes nothing and leaves both values', async () => {
    const integrationId = await setup('mr-ignore', 'manual-review');
    const { incidentId, sysId } = await bothChangeTitle(integrationId);
    const conflict = await pendingConflict(integrationId, incidentId);
    const writesBefore = snow.emulator.requests.filter((r) => r.method === 'PATCH').length;
    expect((await hub.api('POST', `/api/v1/conflicts/${conflict.id}/ignore`)).body).toMatchObject({ status: 'ignored' });
    await hub.api('PATCH', `/api/v1/incidents/${incidentId}`, { description: 'unrelated change' });
    await eventually(async () => snow.emulator.requests.filter((r) => r.method === 'PATCH').length, (n) => n > writesBefore, 'the unrelated change');
    await settled(hub, integrationId);
    expect(await title(incidentId)).toBe('Title from the hub');
    expect(await snowTitle(sysId)).toBe('Title from ServiceNow');
  });

  it('last-write-wins lets the platform win changes inside the window and records the conflict', async () => {
    const integrationId = await setup('lww', 'last-write-wins');
    const { incidentId, sysId } = await bothChangeTitle(integrationId);
    expect(await title(incidentId)).toBe('Title from the hub');
    // The corrective write was not sent while the integration was inbound-only; the next sync carries it.
    await hub.api('PATCH', `/api/v1/incidents/${incidentId}`, { description: 'next change' });
    await eventually(() => snowTitle(sysId), (t) => t === 'Title from the hub', 'the hub title written back');
    const recorded = (await hub.api('GET', `/api/v1/conflicts?integration=${integrationId}&incident=${incidentId}`)).body.items[0];
    expect(recorded).toMatchObject({ status: 'resolved', resolution: 'auto:use_platform', strategy: 'last-write-wins' });
  });

  it('ownership-priority lets the external owner win', async () => {
    const integrationId = await setup('owner', 'ownership-priority');
    await hub.api('PUT', `/api/v1/integrations/${integrationId}/ownership`, { rules: [{ field: 'title', owner: 'external', priority: 10 }] });
    const { incidentId } = await bothChangeTitle(integrationId);
    await eventually(() => title(incidentId), (t) => t === 'Title from ServiceNow', 'the owner value in the hub');
  });
});
