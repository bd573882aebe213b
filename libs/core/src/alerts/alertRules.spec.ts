import { matchMapping, type AlertMapping } from './AlertMappingService';
import { alertmanagerPayloadSchema, createAlertMappingSchema, eventsV2Schema } from './alertSchemas';
import { incidentFromAlert } from './incidentFromAlert';
import { dedupKeyOf, fromAlertmanager, fromEvent, type IncomingAlert } from './normalizeAlerts';
import { renderTemplate, unknownPlaceholders } from './renderTemplate';

const alert = (over: Partial<IncomingAlert> = {}): IncomingAlert => ({
  source: 'alertmanager', action: 'trigger', type: 'CPUUsage', severity: 'critical', summary: 'CPU high', details: {},
  labels: { alertname: 'CPUUsage', network: 'net-a', instance: 'web-1' }, annotations: { summary: 'CPU high' },
  explicitKey: null, fingerprint: 'abc', groupKey: '{}:{alertname="CPUUsage"}', generatorUrl: null, startsAt: null, endsAt: null, ...over,
});

const mapping = (over: Partial<AlertMapping> = {}): AlertMapping => ({
  id: 'm1', organization_id: 'o', name: 'm', alert_type: null, match: {}, integrations: ['i1'], fields: {}, platform_fields: {}, severity_map: {},
  group_by: 'alert', reopen_window_seconds: null, on_resolved: 'resolve', mode: 'auto', storm: null, created_at: '', updated_at: '', ...over,
});

describe('alert rules', () => {
  it('keys an alert by the sender key first, then per group_by, else by all labels', () => {
    expect(dedupKeyOf(alert({ explicitKey: 'k' }), 'group')).toBe('k');
    expect(dedupKeyOf(alert(), 'alert')).toBe('fp:abc');
    expect(dedupKeyOf(alert(), 'group')).toMatch(/^group:[0-9a-f]{64}$/);
    const byInstance = dedupKeyOf(alert(), ['instance']);
    expect(dedupKeyOf(alert({ labels: { instance: 'web-1', other: 'x' } }), ['instance'])).toBe(byInstance);
    expect(dedupKeyOf(alert({ fingerprint: null }), 'alert')).toBe(dedupKeyOf(alert({ fingerprint: null, labels: { network: 'net-a', instance: 'web-1', alertname: 'CPUUsage' } }), 'alert'));
  });

  it('picks the most specific mapping: more match labels, then a named alert type', () => {
    const any = mapping({ id: 'any', name: 'any' });
    const typed = mapping({ id: 'typed', name: 'typed', alert_type: 'CPUUsage' });
    const scoped = mapping({ id: 'scoped', name: 'scoped', match: { network: 'net-a' } });
    const other = mapping({ id: 'other', name: 'other', match: { network: 'net-b' }, alert_type: 'CPUUsage' });
    expect(matchMapping([any, typed, scoped, other], alert())?.id).toBe('scoped');
    expect(matchMapping([any, typed], alert())?.id).toBe('typed');
    expect(matchMapping([other], alert())).toBeUndefined();
  });

  it('renders templates, empty for what the alert lacks, and names unknown placeholders', () => {
    expect(renderTemplate('{{labels.instance}}: {{annotations.summary}} {{labels.none}}[{{severity}}]', alert())).toBe('web-1: CPU high [critical]');
    expect(unknownPlaceholders('{{labels.x}} {{nope}} {{foo.bar}}')).toEqual(['{{nope}}', '{{foo.bar}}']);
  });

  it('makes the incident: templates, P1–P4 from severity, the mapping overriding, platform fields per target', () => {
    const made = incidentFromAlert(mapping({ fields: { title: 'CPU on {{labels.instance}}', impact: '2' }, platform_fields: { i1: { cmdb_ci: '{{labels.instance}}' } } }), alert(), 'fp:abc');
    expect(made).toMatchObject({ ok: true, values: { title: 'CPU on web-1', priority: 'P1', impact: 2 }, targets: [{ integrationId: 'i1', platformFields: { cmdb_ci: 'web-1' } }] });
    expect(incidentFromAlert(mapping({ severity_map: { critical: 'P2' } }), alert(), 'k')).toMatchObject({ values: { priority: 'P2', title: 'CPU high' } });
    expect(incidentFromAlert(mapping({ fields: { assignee: '{{labels.instance}}' } }), alert(), 'k')).toMatchObject({ ok: false, error: expect.stringContaining('assignee') });
  });

  it('reads Alertmanager bodies exactly as sent and refuses other versions naming the field', () => {
    const body = {
      version: '4', groupKey: 'g', truncatedAlerts: 0, status: 'firing', receiver: 'hub', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
      alerts: [{ status: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: '2026-12-02T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f' }],
    };
    const [read] = fromAlertmanager(alertmanagerPayloadSchema.parse(body));
    expect(read).toMatchObject({ type: 'X', summary: 'X', endsAt: null, generatorUrl: null, fingerprint: 'f' });
    expect(alertmanagerPayloadSchema.safeParse({ ...body, version: '3' }).error?.issues[0].path).toEqual(['version']);
  });

  it('takes Events v2 payload fields as labels and needs a key to acknowledge or resolve', () => {
    const event = eventsV2Schema.parse({ routing_key: 'r', event_action: 'trigger', payload: { summary: 's', source: 'db-1', severity: 'warning', class: 'disk', custom_details: { free: '2%' } } });
    expect(fromEvent(event, 'k')).toMatchObject({ type: 'disk', labels: { source: 'db-1', severity: 'warning', class: 'disk' }, details: { free: '2%' }, explicitKey: 'k' });
    expect(eventsV2Schema.safeParse({ routing_key: 'r', event_action: 'resolve' }).error?.issues[0].path).toEqual(['dedup_key']);
  });

  it('refuses mappings without integrations and storms without a rule', () => {
    expect(createAlertMappingSchema.safeParse({ name: 'x', integrations: [] }).error?.issues[0].path).toEqual(['integrations']);
    expect(createAlertMappingSchema.safeParse({ name: 'x', integrations: ['a'], storm: { window: '5m' } }).error?.issues[0].path).toEqual(['storm']);
    expect(createAlertMappingSchema.parse({ name: 'x', integrations: ['a'], reopen_window: '24h' }).reopen_window).toBe(86_400);
  });
});
