import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Adapter, WebhookRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator, type HaloEmulatorHandle } from './emulator';

const SECRET = 'whsec-halo';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const request = (raw: string, headers: Record<string, string | undefined>): WebhookRequest => ({ headers, rawBody: Buffer.from(raw), query: {} });

function adapter(baseUrl: string, secret: string | undefined = SECRET): Adapter {
  return plugin.create(createTestAdapterContext({ baseUrl, credentials: { client_id: 'c', client_secret: 's', tenant: 'demo' }, webhookSecret: secret }));
}

/** A receiver that keeps what the emulator posts. */
async function receiver(): Promise<{ server: Server; url: string; received: Array<{ headers: IncomingHttpHeaders; raw: string }> }> {
  const received: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('Halo webhooks', () => {
  let halo: HaloEmulatorHandle;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const nowMs = Date.parse('2026-03-01T10:00:00Z');

  beforeAll(async () => {
    halo = await startEmulator({ now: () => new Date(nowMs) });
    hook = await receiver();
  });
  afterAll(async () => {
    await halo.close();
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  });

  it('receives a created, an updated and a commented event for changes made through the API', async () => {
    halo.emulator.subscribeWebhooks({ url: hook.url, secret: SECRET });
    const a = plugin.create(createTestAdapterContext({ baseUrl: halo.url, credentials: halo.credentials, webhookSecret: SECRET, clock: { now: () => new Date(nowMs) } }));
    const [created] = await a.write!([{ op: 'create', kind: 'incident', correlationId: 'hub-w', fields: { summary: 'Disk full', status_id: '1' } }]);
    const id = created.ok ? created.record!.id : '';
    await a.write!([
      { op: 'update', kind: 'incident', id, fields: { status_id: '2' } },
      { op: 'comment', kind: 'incident', id, correlationId: 'c', body: 'Cleaned /var', visibility: 'public' },
    ]);
    await halo.emulator.settleWebhooks();

    const events = hook.received.map(({ headers, raw }) => {
      const req = request(raw, { authorization: headers.authorization, 'content-type': headers['content-type'] });
      expect(a.verifyWebhook!(req)).toEqual({ ok: true, value: true });
      const parsed = a.parseWebhook!(req);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    }).flat();
    expect(events.map((e) => e.type)).toEqual(['created', 'updated', 'commented']);
    expect(events[0]).toMatchObject({
      deliveryId: expect.stringMatching(/^halo-[0-9a-f]{32}$/),
      occurredAt: '2026-03-01T10:00:00.000Z',
      record: { kind: 'incident', id, number: id, url: `${halo.url}/tickets?id=${id}`, correlationId: 'hub-w', updatedAt: '2026-03-01T10:00:00.000Z', fields: { summary: 'Disk full', status_id: '1' } },
    });
    expect(events[1].record.fields.status_id).toBe('2');
    expect(events[2].record.comments).toEqual([{ id: '5004', body: 'Cleaned /var', visibility: 'public', author: 'API User', createdAt: '2026-03-01T10:00:00.000Z' }]);
    expect(new Set(events.map((e) => e.deliveryId)).size).toBe(3);
  });

  const raw = JSON.stringify({ event: 'Ticket Updated', ticket: { id: 7, summary: 'x', last_update: '2026-03-01T10:00:00', third_party_id: 'hub-7' } });

  it('accepts any user name with the webhook secret as the password', () => {
    expect(adapter('http://halo.test').verifyWebhook!(request(raw, { Authorization: basic('whoever', SECRET) }))).toEqual({ ok: true, value: true });
  });

  it.each([
    ['a wrong password', { authorization: basic('itsm-hub', 'nope') }, SECRET],
    ['a bearer token', { authorization: `Bearer ${SECRET}` }, SECRET],
    ['no Authorization header', {}, SECRET],
    ['no configured secret', { authorization: basic('itsm-hub', SECRET) }, ''],
  ])('rejects %s', (_case, headers, secret) => {
    const result = adapter('http://halo.test', secret).verifyWebhook!(request(raw, headers));
    expect(result).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message: expect.any(String) } });
  });

  it('parses a batched delivery into one event per notification, with stable delivery ids', () => {
    const batch = JSON.stringify([
      JSON.parse(raw),
      { event: 'New Action Added', ticket: { id: 7 }, action: { id: 90, ticket_id: 7, outcome: 'Private Note', note: 'psst', hiddenfromuser: true, datetime: '2026-03-01T10:00:05' } },
      { event: 'New Action Added', ticket: { id: 7 }, action: { id: 91, ticket_id: 7, outcome: 'Email User', note: 'Hello' } },
    ]);
    const parsed = adapter('http://halo.test/api').parseWebhook!(request(batch, {}));
    expect(parsed.ok && parsed.value.map((e) => [e.type, e.record.url, e.record.comments?.[0]?.visibility])).toEqual([
      ['updated', 'http://halo.test/tickets?id=7', undefined],
      ['commented', 'http://halo.test/tickets?id=7', 'internal'],
      ['updated', 'http://halo.test/tickets?id=7', undefined],
    ]);
    const again = adapter('http://halo.test').parseWebhook!(request(raw, {}));
    expect(parsed.ok && again.ok && again.value[0].deliveryId).toBe(parsed.ok ? parsed.value[0].deliveryId : 'x');
  });

  it.each([
    ['not JSON', 'nope'],
    ['no ticket', JSON.stringify({ event: 'Ticket Updated' })],
    ['a ticket id that is not a number', JSON.stringify({ event: 'Ticket Updated', ticket: { id: 'seven' } })],
  ])('refuses a payload with %s', (_case, body) => {
    expect(adapter('http://halo.test').parseWebhook!(request(body, {}))).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED' } });
  });
});
