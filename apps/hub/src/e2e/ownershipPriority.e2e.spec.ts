import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { startTestHub, type TestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'priority-secret';
const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

/**
 * Seed 000: field ownership priority, "higher wins in conflicts". Two platforms change the same
 * incident field within the conflict window; the integration whose rule has the higher priority
 * wins, even though the other change arrives later, and the other platform gets a corrective write.
 */
describe('field-ownership priority between two integrations', () => {
  let hub: TestHub;
  let high: ServiceNowEmulatorHandle;
  let low: ServiceNowEmulatorHandle;

  beforeAll(async () => {
    [hub, high, low] = await Promise.all([startTestHub({ sync: { conflictWindowMs: 60_000 } }), startEmulator(), startEmulator()]);
  });

  afterAll(async () => {
    await Promise.all([high?.close(), low?.close()]);
    await hub?.stop();
  });

  async function connect(name: string, snow: ServiceNowEmulatorHandle) {
    const id = await createIntegration(hub, {
      name, type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, direction: 'bidirectional', webhook_secret: SECRET, conflict_strategy: 'last-write-wins',
    });
    snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${id}`, secret: SECRET });
    return id;
  }

  const titleOn = async (snow: ServiceNowEmulatorHandle, sysId: string) =>
    (await platformCall(snow.url, 'GET', `/api/now/table/incident/${sysId}?sysparm_fields=short_description`, basic)).body.result.short_description;

  it('lets the higher-priority integration win and corrects the other platform', async () => {
    const a = await connect('priority-high', high);
    const b = await connect('priority-low', low);
    expect((await hub.api('PATCH', `/api/v1/integrations/${a}/ownership/title`, { owner: 'external', priority: 10 })).status).toBe(200);
    const incident = (await hub.api('POST', '/api/v1/incidents', { title: 'Original title' })).body;
    const links = await eventually(
      async () => (await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links,
      (l: Array<{ integration_id: string; external_id: string; sync_status: string }>) => l.length === 2 && l.every((x) => x.sync_status === 'synced'),
      'both links',
    );
    const sysIdOn = (integrationId: string) => links.find((l) => l.integration_id === integrationId)?.external_id as string;
    await Promise.all([high.emulator.settleWebhooks(), low.emulator.settleWebhooks()]);
    await Promise.all([settled(hub, a), settled(hub, b)]);

    // The low-priority platform refuses the hub's next write for good (a 400 goes to the dead
    // letter queue, no retry), so its own edit lands before the high-priority title reaches it:
    // both platforms changed the title since the last sync.
    low.emulator.injectFault({ method: 'PATCH', pathPrefix: '/api/now/table/incident/', status: 400, count: 1, body: { error: { message: 'Refused once by the test', detail: '' }, status: 'failure' } });
    await platformCall(high.url, 'PATCH', `/api/now/table/incident/${sysIdOn(a)}`, basic, { short_description: 'Title from the high-priority platform' });
    await high.emulator.settleWebhooks();
    await eventually(async () => (await hub.api('GET', `/api/v1/integrations/${b}/dead-letter-queue`)).body.items, (items: unknown[]) => items.length === 1, 'the refused write to the low-priority platform');
    await platformCall(low.url, 'PATCH', `/api/now/table/incident/${sysIdOn(b)}`, basic, { short_description: 'Title from the low-priority platform' });
    await low.emulator.settleWebhooks();
    await eventually(
      async () => (await hub.api('GET', `/api/v1/conflicts?integration=${b}&incident=${incident.id}`)).body.items,
      (items: unknown[]) => items.length === 1,
      'the conflict on the low-priority integration',
    );

    // The later change lost: the rule of the other integration has the higher priority.
    expect((await hub.api('GET', `/api/v1/incidents/${incident.id}`)).body.title).toBe('Title from the high-priority platform');
    const conflicts = (await hub.api('GET', `/api/v1/conflicts?integration=${b}&incident=${incident.id}`)).body.items;
    expect(conflicts).toEqual([expect.objectContaining({ field_name: 'title', status: 'resolved', resolution: 'auto:use_platform', external_value: 'Title from the low-priority platform' })]);
    await eventually(() => titleOn(low, sysIdOn(b)), (t) => t === 'Title from the high-priority platform', 'the corrective write on the low-priority platform');
    expect(await titleOn(high, sysIdOn(a))).toBe('Title from the high-priority platform');
  });
});
