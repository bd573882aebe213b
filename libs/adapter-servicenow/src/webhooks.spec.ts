import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { startEmulator, type ServiceNowEmulatorHandle } from './emulator';
import type { ServiceNowSettings } from './config';
import { ServiceNowAdapter } from './ServiceNowAdapter';

const SECRET = 'hook-secret';
let sn: ServiceNowEmulatorHandle;
let receiver: Server;
let received: WebhookRequest[];

const NOW = Date.parse('2025-09-01T10:00:00Z');

beforeAll(async () => {
  sn = await startEmulator({ port: 0, now: () => NOW });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks), query: {} });
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sn.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  sn.emulator.reset();
  sn.emulator.subscribeWebhooks({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: SECRET });
});

function adapter(webhookSecret: string | null = SECRET, settings: ServiceNowSettings = {}, nowMs = NOW) {
  return new ServiceNowAdapter(createTestAdapterContext({ baseUrl: sn.url, credentials: sn.credentials, webhookSecret: webhookSecret ?? undefined, settings, clock: { now: () => new Date(nowMs) } }));
}

function request(body: unknown, secret = SECRET, delivery = 'd-1'): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  const signature = createHmac('sha256', secret).update(rawBody).digest('hex');
  return { headers: { 'x-hub-signature-256': `sha256=${signature}`, 'x-hub-delivery': delivery }, rawBody, query: {} };
}

const payload = {
  event: 'incident.updated', sys_id: '9d385017c611228701d22104cc95c371', number: 'INC0010001', sys_updated_on: '2025-09-01 10:00:00',
  sys_mod_count: '3', correlation_id: 'hub-9', changed_fields: ['state', 'close_notes'], sent_at: String(NOW),
};

describe('verifyWebhook', () => {
  it('accepts a body signed with the integration secret', () => {
    expect(adapter().verifyWebhook(request(payload))).toEqual({ ok: true, value: true });
  });

  it('refuses a delivery signed longer ago than the window allows, or as far ahead, naming the setting', () => {
    const fiveMinutes = 5 * 60_000;
    expect(adapter(SECRET, {}, NOW + fiveMinutes).verifyWebhook(request(payload))).toEqual({ ok: true, value: true });
    const stale = adapter(SECRET, {}, NOW + fiveMinutes + 1_000).verifyWebhook(request(payload));
    expect(stale).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message: expect.stringContaining('signed 301 s ago') } });
    expect(stale.ok ? '' : stale.error.message).toContain('signed_timestamp_max_age_seconds');
    expect(adapter(SECRET, {}, NOW - fiveMinutes - 1_000).verifyWebhook(request(payload))).toMatchObject({ ok: false, error: { message: expect.stringContaining('301 s in the future') } });
    expect(adapter(SECRET, { signed_timestamp_max_age_seconds: 3600 }, NOW + 30 * 60_000).verifyWebhook(request(payload))).toEqual({ ok: true, value: true });
  });

  it('accepts the older script (no sent_at) with a warning, unless the integration requires a signed timestamp', () => {
    const { sent_at: _omitted, ...old } = payload;
    expect(adapter().verifyWebhook(request(old))).toEqual({ ok: true, value: { warning: expect.stringContaining('update the ItsmHubWebhook script include') } });
    expect(adapter(SECRET, { require_signed_timestamp: true }).verifyWebhook(request(old))).toMatchObject({ ok: false, error: { message: expect.stringContaining('require_signed_timestamp') } });
    // The timestamp is part of what was signed: changing it breaks the signature.
    const signed = request(payload);
    const moved = { ...signed, rawBody: Buffer.from(JSON.stringify({ ...payload, sent_at: String(NOW + 1) })) };
    expect(adapter().verifyWebhook(moved)).toMatchObject({ ok: false });
  });

  it.each([
    ['a wrong secret', request(payload, 'other'), SECRET as string | null],
    ['a missing header', { ...request(payload), headers: {} }, SECRET],
    ['a malformed header', { ...request(payload), headers: { 'x-hub-signature-256': 'sha1=abc' } }, SECRET],
    ['a tampered body', { ...request(payload), rawBody: Buffer.from(JSON.stringify({ ...payload, sys_mod_count: '4' })) }, SECRET],
    ['no configured secret', request(payload), null],
  ])('rejects %s', (_name, req, secret) => {
    const result = adapter(secret).verifyWebhook(req);
    expect(result).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
  });
});

describe('parseWebhook', () => {
  it('parses an update into an event with version, time, correlation id and changed fields', () => {
    expect(adapter().parseWebhook(request(payload))).toEqual({
      ok: true,
      value: [{
        type: 'updated', deliveryId: 'd-1', changedFields: ['state', 'close_notes'], occurredAt: '2025-09-01T10:00:00.000Z',
        record: {
          kind: 'incident', id: payload.sys_id, number: 'INC0010001', version: '3', updatedAt: '2025-09-01T10:00:00.000Z', correlationId: 'hub-9',
          url: `${sn.url}/nav_to.do?uri=incident.do?sys_id=${payload.sys_id}`, fields: {},
        },
      }],
    });
  });

  it('parses a comment with its journal entry', () => {
    const comment = { sys_id: 'a'.repeat(32), element: 'work_notes', value: 'Checked logs', sys_created_by: 'abel.tuter', sys_created_on: '2025-09-01 10:00:02' };
    const result = adapter().parseWebhook(request({ ...payload, event: 'incident.commented', changed_fields: [], comment }));
    expect(result).toMatchObject({
      ok: true,
      value: [{ type: 'commented', occurredAt: '2025-09-01T10:00:02.000Z', record: { comments: [{ id: 'a'.repeat(32), body: 'Checked logs', author: 'abel.tuter', visibility: 'internal', createdAt: '2025-09-01T10:00:02.000Z' }] } }],
    });
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['an unknown event', Buffer.from(JSON.stringify({ ...payload, event: 'incident.deleted' }))],
    ['a bad sys_id', Buffer.from(JSON.stringify({ ...payload, sys_id: 'x' }))],
    ['a comment event without comment', Buffer.from(JSON.stringify({ ...payload, event: 'incident.commented' }))],
  ])('refuses %s', (_name, rawBody) => {
    expect(adapter().parseWebhook({ headers: {}, rawBody, query: {} })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED' } });
  });
});

describe('emulator webhooks', () => {
  it('delivers signed payloads for API creates, updates and comments that the adapter verifies and parses', async () => {
    const a = adapter();
    const [created] = await a.write([{ op: 'create', kind: 'incident', correlationId: 'hub-w', fields: { short_description: 'Hooked', impact: '2', urgency: '2' } }]);
    if (!created.ok || !created.record) throw new Error('create failed');
    const id = created.record.id;
    await a.write([
      { op: 'update', kind: 'incident', id, fields: { state: '2' } },
      { op: 'comment', kind: 'incident', id, correlationId: 'hub-w', body: 'Hello', visibility: 'public' },
    ]);
    await sn.emulator.settleWebhooks();
    expect(received).toHaveLength(3);
    const events = received.map((req) => {
      expect(a.verifyWebhook(req)).toEqual({ ok: true, value: true });
      const parsed = a.parseWebhook(req);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value[0];
    });
    expect(events.map((e) => [e.type, e.record.version, e.changedFields])).toEqual([
      ['created', '0', ['short_description', 'state', 'impact', 'urgency', 'priority', 'correlation_id']],
      ['updated', '1', ['state']],
      ['commented', '2', []],
    ]);
    expect(events.map((e) => e.deliveryId)).toEqual(sn.emulator.deliveries.map((d) => d.id));
    expect(events[2].record.comments?.[0]).toMatchObject({ body: 'Hello', visibility: 'public' });
    expect(events.every((e) => e.record.correlationId === 'hub-w')).toBe(true);
    // The values come as reads present them, so the hub can recognise its own writes coming back.
    expect(events[1].record.fields).toEqual(expect.objectContaining({ short_description: 'Hooked', state: '2', impact: '2', assigned_to: null }));
    expect(events[1].record.fields).toEqual((await a.read('incident', id))?.fields);
  });

  it('delivers without sent_at when the instance runs the older script, which the adapter accepts with a warning', async () => {
    sn.emulator.webhookScript = 'unsigned-timestamp';
    try {
      await adapter().write([{ op: 'create', kind: 'incident', correlationId: 'hub-old', fields: { short_description: 'Old script' } }]);
      await sn.emulator.settleWebhooks();
      expect(JSON.parse(received[0].rawBody.toString('utf8'))).not.toHaveProperty('sent_at');
      expect(adapter().verifyWebhook(received[0])).toEqual({ ok: true, value: { warning: expect.stringContaining('sent_at') } });
    } finally {
      sn.emulator.webhookScript = 'current';
    }
  });
});
