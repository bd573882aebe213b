import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Adapter, WebhookRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator, type RunningPagerDutyEmulator } from './emulator';

const SECRET = 'whsec-test';
const sign = (raw: string, secret = SECRET) => `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const request = (raw: string, headers: Record<string, string | undefined> = { 'X-PagerDuty-Signature': sign(raw) }): WebhookRequest => ({ headers, rawBody: Buffer.from(raw), query: {} });

function adapter(options: { secret?: string; settings?: Record<string, unknown>; baseUrl?: string; token?: string } = {}): Adapter {
  return plugin.create(createTestAdapterContext({ baseUrl: options.baseUrl ?? 'http://127.0.0.1:9', credentials: { token: options.token ?? 't' }, settings: options.settings ?? {}, webhookSecret: options.secret ?? SECRET }));
}

const incidentData = (serviceId = 'PSVC001') => ({
  id: 'PINC009', type: 'incident', html_url: 'https://acme.pagerduty.com/incidents/PINC009', number: 9, status: 'acknowledged', incident_key: 'hub-9',
  created_at: '2026-03-01T12:00:00Z', title: 'Disk full', urgency: 'high',
  service: { id: serviceId, type: 'service_reference', summary: 'Checkout API' },
  assignees: [{ id: 'PUSR001', type: 'user_reference', summary: 'On-Call Engineer' }],
  priority: { id: 'PPRI001', type: 'priority_reference', summary: 'P1' },
});
const payload = (eventType: string, data: unknown, resourceType = 'incident') =>
  JSON.stringify({ event: { id: `evt-${eventType}`, event_type: eventType, resource_type: resourceType, occurred_at: '2026-03-01T12:05:00.123Z', agent: null, client: null, data } });

describe('PagerDuty webhook signatures', () => {
  const raw = payload('incident.acknowledged', incidentData());

  it('accepts a matching v1 signature, and any one of several during rotation', () => {
    expect(adapter().verifyWebhook!(request(raw))).toEqual({ ok: true, value: true });
    const rotated = `${sign(raw, 'old-secret')},${sign(raw)}`;
    expect(adapter().verifyWebhook!(request(raw, { 'x-pagerduty-signature': rotated }))).toEqual({ ok: true, value: true });
  });

  it.each([
    ['a wrong secret', { 'X-PagerDuty-Signature': sign(raw, 'other') }, SECRET],
    ['a changed body', { 'X-PagerDuty-Signature': sign(`${raw} `) }, SECRET],
    ['another scheme', { 'X-PagerDuty-Signature': sign(raw).replace('v1=', 'v0=') }, SECRET],
    ['no header', {}, SECRET],
    ['no configured secret', { 'X-PagerDuty-Signature': sign(raw) }, ''],
  ])('rejects %s', (_, headers, secret) => {
    const result = adapter({ secret }).verifyWebhook!(request(raw, headers));
    expect(result).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
  });
});

describe('PagerDuty webhook payloads', () => {
  const parse = (raw: string, settings?: Record<string, unknown>) => adapter({ settings }).parseWebhook!(request(raw));

  it('turns incident.triggered into a created event with the incident’s values', () => {
    expect(parse(payload('incident.triggered', { ...incidentData(), status: 'triggered' }))).toEqual({
      ok: true,
      value: [{
        type: 'created',
        deliveryId: 'evt-incident.triggered',
        occurredAt: '2026-03-01T12:05:00.123Z',
        record: {
          kind: 'incident', id: 'PINC009', number: '9', url: 'https://acme.pagerduty.com/incidents/PINC009', correlationId: 'hub-9', updatedAt: '2026-03-01T12:05:00.123Z',
          fields: { title: 'Disk full', status: 'triggered', urgency: 'high', priority: 'P1' },
        },
      }],
    });
  });

  it.each([
    ['incident.acknowledged', ['status']],
    ['incident.unacknowledged', ['status']],
    ['incident.resolved', ['status']],
    ['incident.reopened', ['status', 'assignee']],
    ['incident.reassigned', ['assignee']],
    ['incident.escalated', ['assignee']],
    ['incident.delegated', ['assignee']],
    ['incident.priority_updated', ['priority']],
  ])('turns %s into an updated event changing %j', (type, changedFields) => {
    const result = parse(payload(type, incidentData()));
    expect(result).toMatchObject({ ok: true, value: [{ type: 'updated', deliveryId: `evt-${type}`, changedFields, record: { id: 'PINC009' } }] });
  });

  it('turns incident.annotated into a commented event carrying the note', () => {
    const note = { incident: { id: 'PINC009', type: 'incident_reference', html_url: 'https://acme.pagerduty.com/incidents/PINC009' }, id: 'PNOTE1', content: 'Rebooted', trimmed: false, type: 'incident_note' };
    expect(parse(payload('incident.annotated', note))).toEqual({
      ok: true,
      value: [{
        type: 'commented', deliveryId: 'evt-incident.annotated', occurredAt: '2026-03-01T12:05:00.123Z',
        record: { kind: 'incident', id: 'PINC009', url: 'https://acme.pagerduty.com/incidents/PINC009', fields: {}, comments: [{ id: 'PNOTE1', body: 'Rebooted', visibility: 'public', createdAt: '2026-03-01T12:05:00.123Z' }] },
      }],
    });
  });

  it('drops events about other resources, non-incident data, and services outside service_ids', () => {
    expect(parse(payload('service.updated', { id: 'PSVC001', type: 'service' }, 'service'))).toEqual({ ok: true, value: [] });
    expect(parse(payload('incident.responder.added', { incident: { id: 'PINC009', type: 'incident_reference' }, type: 'incident_responder' }))).toEqual({ ok: true, value: [] });
    expect(parse(payload('incident.resolved', incidentData('POTHER1')), { service_ids: ['PSVC001'] })).toEqual({ ok: true, value: [] });
    expect(parse(payload('incident.resolved', incidentData('PSVC001')), { service_ids: 'PSVC001,PSVC002' })).toMatchObject({ ok: true, value: [{ type: 'updated' }] });
  });

  it.each([
    ['not JSON', 'nope'],
    ['no event', '{}'],
    ['an incident without an id', payload('incident.resolved', { type: 'incident' })],
    ['a note without content', payload('incident.annotated', { id: 'N', type: 'incident_note', incident: { id: 'I', type: 'incident_reference' } })],
  ])('rejects %s as invalid', (_, raw) => {
    expect(parse(raw)).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED' } });
  });
});

describe('webhooks the emulator sends on changes made through the API', () => {
  let pd: RunningPagerDutyEmulator;
  let receiver: Server;
  const received: WebhookRequest[] = [];

  beforeAll(async () => {
    pd = await startEmulator();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks), query: {} });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    pd.emulator.subscribeWebhooks({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: SECRET });
  });
  afterAll(async () => {
    await pd.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('signs each event and announces trigger, priority, reassign, note, acknowledge and resolve', async () => {
    pd.store.users.push({ id: 'PUSR002', name: 'Second', email: 'second@example.com', role: 'user', timeZone: 'Etc/UTC' });
    const a = adapter({ baseUrl: pd.url, token: pd.credentials.token, settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } });
    const [created] = await a.write!([{ op: 'create', kind: 'incident', correlationId: 'hub-wh', fields: { title: 'Webhooks' } }]);
    const id = (created as { record: { id: string } }).record.id;
    await a.write!([
      { op: 'update', kind: 'incident', id, fields: { priority: 'P1', assignee: 'second@example.com' } },
      { op: 'comment', kind: 'incident', id, correlationId: 'hub-wh', body: 'on it', visibility: 'public' },
      { op: 'update', kind: 'incident', id, fields: { status: 'acknowledged' } },
      { op: 'update', kind: 'incident', id, fields: { status: 'resolved' } },
    ]);
    await pd.emulator.settleWebhooks();

    expect(received.every((r) => a.verifyWebhook!(r).ok)).toBe(true);
    expect(received.every((r) => r.headers['x-webhook-id'])).toBe(true);
    const events = received.flatMap((r) => {
      const parsed = a.parseWebhook!(r);
      return parsed.ok ? parsed.value : [];
    });
    expect(events.map((e) => [e.type, e.changedFields?.join() ?? '', e.record.id])).toEqual([
      ['created', '', id],
      ['updated', 'priority', id],
      ['updated', 'assignee', id],
      ['commented', '', id],
      ['updated', 'status', id],
      ['updated', 'status', id],
    ]);
    expect(events[3].record.comments?.[0].body).toBe('on it');
    expect(events[5].record.fields.status).toBe('resolved');
  });
});
