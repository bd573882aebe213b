import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startTestHub } from './hubFixture';
import { createIntegration, eventually, platformCall, settled } from './syncHelpers';

const SECRET = 'otel-secret';
const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

describe('tracing, metrics and the sync switch', () => {
  const exporter = new InMemorySpanExporter();
  let snow: ServiceNowEmulatorHandle;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    snow = await startEmulator();
  });

  afterAll(async () => {
    await snow?.close();
    trace.disable();
    context.disable();
  });

  it('records the seed spans with sync.* attributes, a redacted event per field decision, and Prometheus series', async () => {
    const hub = await startTestHub({ sync: { trace: true } });
    try {
      const id = await createIntegration(hub, {
        name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, webhook_secret: SECRET, conflict_strategy: 'manual-review',
      });
      snow.emulator.unsubscribeWebhooks();
      snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${id}`, secret: SECRET });
      const incident = (await hub.api('POST', '/api/v1/incidents', { title: 'Traced secret-looking title' })).body;
      const link = await eventually(async () => (await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links[0], (l) => l?.sync_status === 'synced', 'the link');
      await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { short_description: 'Changed in ServiceNow' });
      await snow.emulator.settleWebhooks();
      await settled(hub, id);

      const spans = exporter.getFinishedSpans();
      const outbound = spans.find((s) => s.name === 'ProcessTimelineEvent' && s.attributes['sync.incident_id'] === incident.id && s.attributes['sync.result'] === 'success');
      expect(outbound?.attributes).toMatchObject({
        'sync.integration_id': id, 'sync.integration_type': 'servicenow', 'sync.direction': 'outbound', 'sync.external_id': link.external_id, 'sync.field_count': expect.any(Number),
      });
      const fieldEvents = outbound!.events.filter((e) => e.name === 'sync.field');
      expect(fieldEvents.map((e) => e.attributes?.['sync.field'])).toContain('title');
      expect(fieldEvents.every((e) => e.attributes?.['sync.value'] === '[redacted]')).toBe(true);
      expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.toContain('secret-looking');
      expect(spans.some((s) => s.name === 'ProcessWebhook' && s.attributes['sync.direction'] === 'inbound' && s.attributes['sync.integration_id'] === id)).toBe(true);
      const common = { 'sync.integration_id': id, 'sync.integration_type': 'servicenow', 'sync.incident_id': incident.id, 'sync.record_kind': 'incident', 'sync.external_id': link.external_id };
      expect(spans.find((s) => s.name === 'DetectConflict' && s.attributes['sync.incident_id'] === incident.id)?.attributes).toMatchObject({
        ...common, 'sync.direction': 'inbound', 'sync.field_count': expect.any(Number), 'sync.result': expect.stringMatching(/^(success|skipped)$/),
      });

      await hub.api('PATCH', `/api/v1/integrations/${id}`, { direction: 'inbound' });
      await hub.api('PATCH', `/api/v1/incidents/${incident.id}`, { title: 'Changed in the hub' });
      await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${link.external_id}`, basic, { short_description: 'Changed again in ServiceNow' });
      const conflict = await eventually(async () => (await hub.api('GET', `/api/v1/conflicts?status=pending`)).body.items[0], (c) => c !== undefined, 'a pending conflict');
      await hub.api('POST', `/api/v1/conflicts/${conflict.id}/resolve`, { use: 'external' });
      expect(exporter.getFinishedSpans().find((s) => s.name === 'ResolveConflict' && s.attributes['sync.incident_id'] === incident.id)?.attributes).toMatchObject({
        ...common, 'sync.direction': 'inbound', 'sync.field_count': 1, 'sync.result': 'success',
      });

      const metrics = await fetch(`${hub.hub.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/itsm_sync_jobs_total\{direction="outbound",integration_type="servicenow",result="success"\} \d+/);
      expect(metrics).toContain('itsm_sync_latency_seconds_bucket');
      expect(metrics).toMatch(/itsm_sync_queue_depth\{queue="outbox"\} \d+/);
      expect(metrics).toMatch(/itsm_sync_conflicts_total\{strategy="manual-review",outcome="pending"\} 1/);
    } finally {
      await hub.stop();
    }
  });

  it('with INCIDENTS_SYNC_ENABLED=false keeps the outbox and still accepts and queues webhooks', async () => {
    const hub = await startTestHub({ sync: { enabled: false } });
    try {
      const id = await createIntegration(hub, {
        name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, webhook_secret: SECRET,
      });
      snow.emulator.unsubscribeWebhooks();
      snow.emulator.subscribeWebhooks({ url: `${hub.hub.url}/api/v1/webhooks/${id}`, secret: SECRET });
      const incident = (await hub.api('POST', '/api/v1/incidents', { title: 'Held while sync is off' })).body;
      const created = await platformCall(snow.url, 'POST', '/api/now/table/incident', basic, { short_description: 'Raised in ServiceNow while sync is off' });
      expect(created.status).toBe(201);
      await snow.emulator.settleWebhooks();
      const status = (await hub.api('GET', `/api/v1/integrations/${id}/sync-status`)).body;
      expect(status).toMatchObject({ outbox_depth: 1, inbox_depth: 1 });
      expect((await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links).toEqual([]);

      hub.config.sync.enabled = true;
      await hub.restart();
      await settled(hub, id);
      expect((await hub.api('GET', `/api/v1/incidents/${incident.id}/links`)).body.links[0].sync_status).toBe('synced');
      const imported = (await hub.api('GET', '/api/v1/incidents?q=Raised%20in%20ServiceNow')).body.items;
      expect(imported).toHaveLength(1);
    } finally {
      await hub.stop();
    }
  });
});
