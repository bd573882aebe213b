import type { Adapter, HttpRequest, RecordPage, WriteOperation, WriteResult } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from '../../index';
import { startEmulator, type HaloEmulatorHandle, type HaloTicket } from '../../emulator';

const START = Date.parse('2026-03-01T10:00:00Z');
let nowMs = START;
let halo: HaloEmulatorHandle;
let sent: HttpRequest[];

beforeAll(async () => {
  halo = await startEmulator({ now: () => new Date(nowMs) });
});
afterAll(() => halo.close());
beforeEach(() => {
  nowMs = START;
  halo.emulator.reset();
});

function adapter(settings: Record<string, unknown> = {}): Adapter {
  const context = createTestAdapterContext({ baseUrl: halo.url, credentials: halo.credentials, settings, clock: { now: () => new Date(nowMs) } });
  sent = [];
  const request = context.http.request.bind(context.http);
  context.http = { request: (req) => (sent.push(req), request(req)) };
  return plugin.create(context);
}

/** Follows `nextPage` to the end; the ids listed and the last cursor. */
async function listAll(a: Adapter, page: string | undefined, pageSize: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  while (page) {
    const next = await a.list!({ kind: 'incident', pageSize, page });
    ids.push(...next.records.map((r) => r.id));
    cursor = next.cursor;
    page = next.nextPage;
  }
  return { ids, cursor };
}

const tokenCalls = () => sent.filter((r) => r.url.endsWith('/auth/token'));

async function writeOne(a: Adapter, op: WriteOperation): Promise<WriteResult> {
  const [result] = await a.write!([op]);
  return result;
}

async function create(a: Adapter, correlationId: string, fields: Record<string, string | null> = { summary: 'Printer on fire' }) {
  const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId, fields });
  if (!result.ok || !result.record) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.record;
}

/** A ticket as a busy instance holds it, carrying `thirdPartyId`. */
function busyTicket(id: number, thirdPartyId: string): HaloTicket {
  const at = '2026-02-01T08:00:00';
  return { id, summary: `Ticket ${id}`, details: '', status_id: 1, priority_id: 3, agent_id: 0, client_id: 12, tickettype_id: 1, dateoccurred: at, lastactiondate: at, last_update: at, third_party_id: thirdPartyId };
}

describe('Halo tickets', () => {
  it('creates a ticket through an array upsert and reads it back with the agent email and ids', async () => {
    const a = adapter({ ticket_type_id: 4, client_id_default: 12 });
    const record = await create(a, 'hub-1', { summary: 'Printer on fire', details: 'Third floor', status_id: '2', priority_id: '1', agent_email: 'Sam.Patel@example.com' });
    expect(sent.find((r) => r.method === 'POST' && r.url.endsWith('/api/Tickets'))?.json).toEqual([
      { summary: 'Printer on fire', details: 'Third floor', status_id: 2, priority_id: 1, agent_id: 3, third_party_id: 'hub-1', tickettype_id: 4, client_id: 12 },
    ]);
    expect(record).toMatchObject({
      kind: 'incident',
      id: '1003',
      number: '1003',
      url: `${halo.url}/tickets?id=1003`,
      correlationId: 'hub-1',
      updatedAt: '2026-03-01T10:00:00.000Z',
      fields: { summary: 'Printer on fire', details: 'Third floor', status_id: '2', priority_id: '1', agent_email: 'sam.patel@example.com' },
    });
    expect(record.version).toMatch(/^2026-03-01T10:00:00#[0-9a-f]{12}$/);
    expect(await a.read!('incident', record.id)).toEqual({ ...record, comments: [] });
  });

  it('takes ids given as numbers, and refuses a list or a reference value without writing', async () => {
    const a = adapter();
    const record = await create(a, 'hub-typed');
    sent = [];
    const numeric = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { status_id: 3, priority_id: 2 } });
    expect(numeric).toMatchObject({ ok: true, record: { fields: { status_id: '3', priority_id: '2' } } });
    expect(sent.find((r) => r.method === 'POST' && r.url.endsWith('/api/Tickets'))?.json).toEqual([{ id: Number(record.id), status_id: 3, priority_id: 2 }]);
    sent = [];
    const list = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { summary: ['One', 'Two'] } });
    expect(list).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user', message: 'Halo incident field summary takes a single value, not ["One","Two"]' } });
    const reference = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-ref', fields: { summary: 'Ref', agent_email: { kind: 'user', id: '3' } } });
    expect(reference).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user' } });
    expect(sent).toEqual([]);
  });

  it('reads notes as comments, private notes as internal, and skips other actions', async () => {
    const record = await adapter().read!('incident', '1001');
    expect(record?.fields.agent_email).toBe('alex.morgan@example.com');
    expect(record?.comments).toEqual([
      { id: '5001', body: 'Looking at the mail queue now.', visibility: 'public', author: 'Alex Morgan', createdAt: '2026-01-05T09:20:00.000Z' },
      { id: '5003', body: 'Relay throttled by the provider.', visibility: 'internal', author: 'Alex Morgan', createdAt: '2026-01-05T09:40:00.000Z' },
    ]);
    expect(await adapter().read!('incident', '4242')).toBeUndefined();
  });

  it('sends only the changed fields on update and answers the ticket as Halo then holds it', async () => {
    const a = adapter();
    const created = await create(a, 'hub-2', { summary: 'VPN slow', details: 'All sites', status_id: '1', priority_id: '3', agent_email: null });
    nowMs += 1000;
    const result = await writeOne(a, { op: 'update', kind: 'incident', id: created.id, fields: { status_id: '9', agent_email: 'alex.morgan@example.com' } });
    expect(sent.filter((r) => r.method === 'POST').at(-1)?.json).toEqual([{ id: Number(created.id), status_id: 9, agent_id: 2 }]);
    expect(result).toMatchObject({ ok: true, record: { fields: { summary: 'VPN slow', details: 'All sites', status_id: '9', priority_id: '3', agent_email: 'alex.morgan@example.com' } } });
    const version = (result as { record: { version: string } }).record.version;
    expect(version).not.toBe(created.version);
    expect(version.startsWith('2026-03-01T10:00:01#')).toBe(true);
  });

  it('adds a note and reads it back under the returned comment id', async () => {
    const a = adapter();
    const result = await writeOne(a, { op: 'comment', kind: 'incident', id: '1002', correlationId: 'c-1', body: 'Rebooted the concentrator', visibility: 'internal' });
    expect(result).toEqual({ ok: true, commentId: '5004' });
    expect(sent.at(-1)?.json).toEqual([{ ticket_id: 1002, outcome: 'Note', note: 'Rebooted the concentrator', hiddenfromuser: true }]);
    const record = await a.read!('incident', '1002');
    expect(record?.comments).toEqual([{ id: '5004', body: 'Rebooted the concentrator', visibility: 'internal', author: 'API User', createdAt: '2026-03-01T10:00:00.000Z' }]);
  });

  it('finds a ticket by the hub id kept in third_party_id, and nothing for an unknown id', async () => {
    const a = adapter();
    const created = await create(a, 'hub-3');
    await create(a, 'hub-30');
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-3' })).toEqual(created);
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-4' })).toBeUndefined();
  });

  it('pages through the search until the exact match, beyond the first page, and reads no further', async () => {
    // 120 hits that only contain the hub id come first, then the ticket, then 100 more hits and a later duplicate.
    const near = (id: number, n: number) => busyTicket(id, `hub-busy-${n}`);
    halo.state.tickets.push(
      ...Array.from({ length: 120 }, (_, n) => near(2001 + n, n)),
      busyTicket(2121, 'hub-busy'),
      ...Array.from({ length: 100 }, (_, n) => near(2122 + n, 120 + n)),
      busyTicket(2222, 'hub-busy'),
    );
    const a = adapter();
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-busy' })).toMatchObject({ id: '2121', correlationId: 'hub-busy' });
    expect(sent.map((r) => `${r.method} ${r.url.slice(halo.url.length)}`)).toEqual(['POST /auth/token', 'GET /api/Tickets', 'GET /api/Tickets']);
    expect(sent.slice(1).map((r) => r.query)).toEqual([1, 2].map((page_no) => ({ third_party_id: 'hub-busy', order: 'id', orderdesc: false, pageinate: true, page_size: 100, page_no })));
  });

  it('reads every page of hits before deciding that no ticket carries the hub id', async () => {
    halo.state.tickets.push(...Array.from({ length: 150 }, (_, n) => busyTicket(2001 + n, `hub-near-${n}`)));
    const a = adapter();
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-near' })).toBeUndefined();
    expect(sent.filter((r) => r.url.endsWith('/api/Tickets')).map((r) => r.query?.page_no)).toEqual([1, 2]);
  });

  it('finds a ticket whose create answer was lost, so the retry does not create it twice', async () => {
    const a = adapter();
    halo.emulator.injectFault({ pathPrefix: '/api/Tickets', method: 'POST', dropResponse: true });
    const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-lost', fields: { summary: 'Lost answer' } });
    expect(result).toMatchObject({ ok: false, error: { action: 'retry', kind: 'transient' } });
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-lost' })).toMatchObject({ id: '1003', fields: { summary: 'Lost answer' } });
  });

  it('refuses an unknown agent email naming the email and the field the engine may leave out, without writing', async () => {
    const result = await writeOne(adapter(), { op: 'create', kind: 'incident', correlationId: 'hub-5', fields: { summary: 'x', agent_email: 'nobody@example.com' } });
    expect(result).toEqual({
      ok: false,
      error: { action: 'fail', kind: 'user', message: 'No Halo agent has the email nobody@example.com', unresolved: { field: 'agent_email', value: 'nobody@example.com' } },
      vendorMessage: 'No Halo agent has the email nobody@example.com',
    });
    expect(halo.state.tickets).toHaveLength(2);
  });

  it('returns Halo refusals and rate limits as results with the vendor message', async () => {
    const a = adapter();
    const refused = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-6', fields: { details: 'no summary' } });
    expect(refused).toEqual({ ok: false, status: 400, vendorMessage: 'Please enter a summary', error: { action: 'fail', kind: 'user', message: 'Please enter a summary' } });
    halo.emulator.injectFault({ pathPrefix: '/api/Actions', method: 'POST', status: 429, retryAfterSeconds: 30 });
    const limited = await writeOne(a, { op: 'comment', kind: 'incident', id: '1001', correlationId: 'c', body: 'hi', visibility: 'public' });
    expect(limited).toMatchObject({ ok: false, status: 429, vendorMessage: 'Too Many Requests', error: { action: 'rate_limited', kind: 'transient', retryAfterMs: 30_000 } });
    const missing = await writeOne(a, { op: 'update', kind: 'incident', id: '4242', fields: { summary: 'x' } });
    expect(missing).toMatchObject({ ok: false, status: 404, error: { action: 'fail', kind: 'user' } });
  });

  it('keeps one token across calls, renews it before expiry, and once after a 401', async () => {
    const a = adapter();
    await create(a, 'hub-7');
    await a.read!('incident', '1001');
    expect(tokenCalls()).toHaveLength(1);
    nowMs += (3600 - 59) * 1000;
    await a.read!('incident', '1001');
    expect(tokenCalls()).toHaveLength(2);
    halo.state.revokeTokens();
    expect(await writeOne(a, { op: 'comment', kind: 'incident', id: '1001', correlationId: 'c', body: 'after revoke', visibility: 'public' })).toMatchObject({ ok: true });
    expect(tokenCalls()).toHaveLength(3);
  });
});

describe('Halo ticket listing', () => {
  it('lists tickets oldest change first across pages, with the newest change as the cursor', async () => {
    const a = adapter();
    const first = await a.list!({ kind: 'incident', pageSize: 1 });
    expect(first.records.map((r) => r.id)).toEqual(['1001']);
    expect(first.cursor).toBe('2026-01-05T09:40:00');
    const rest = await listAll(a, first.nextPage, 1);
    expect(rest.ids).toEqual(['1002']);
    expect(rest.cursor).toBe('2026-01-07T08:15:00');
    expect(sent.find((r) => r.query?.lastupdatefromdate !== undefined)?.query).toMatchObject({
      pageinate: true, page_size: 1, page_no: 1, order: 'last_update', orderdesc: false, lastupdatefromdate: '2026-01-05T09:39:59',
    });
  });

  it('re-reads the cursor second, so changes within the same second are never skipped', async () => {
    const a = adapter();
    const before = await a.list!({ kind: 'incident' });
    const one = await create(a, 'hub-8', { summary: 'one' });
    const after = await a.list!({ kind: 'incident', cursor: before.cursor });
    expect(after.records.map((r) => r.id)).toEqual(['1002', one.id]);
    expect(after.cursor).toBe('2026-03-01T10:00:00');
    // Another change within the same second as the cursor.
    const two = await create(a, 'hub-9', { summary: 'two' });
    const updated = await writeOne(a, { op: 'update', kind: 'incident', id: one.id, fields: { summary: 'one, changed' } });
    const again = await a.list!({ kind: 'incident', cursor: after.cursor, pageSize: 2 });
    expect(again.records.map((r) => r.id)).toEqual([one.id, two.id]);
    expect(again.records[0].version).toBe((updated as { record: { version: string } }).record.version);
    expect(again.records[0].version).not.toBe(one.version);
    expect(again.nextPage).toBeUndefined();
  });

  it('moves the next page past tickets changed while a listing runs', async () => {
    const a = adapter();
    const first = await a.list!({ kind: 'incident', pageSize: 1 });
    // 1001 changes between pages and moves to the end of the order: page 2 of the old query would skip 1002.
    await writeOne(a, { op: 'update', kind: 'incident', id: '1001', fields: { summary: 'changed meanwhile' } });
    const { ids } = await listAll(a, first.nextPage, 1);
    expect(ids).toEqual(['1002', '1001']);
  });

  it('uses settings.status_map and priority_map as the default value maps', () => {
    const mappings = adapter({ status_map: '{"new":11,"closed":19}', priority_map: { P2: 5 } }).defaultMappings!('incident');
    expect(mappings?.find((m) => m.externalField === 'status_id')?.valueMap).toMatchObject({ new: '11', in_progress: '2', closed: '19' });
    expect(mappings?.find((m) => m.externalField === 'priority_id')?.valueMap).toMatchObject({ P1: '1', P2: '5' });
    expect(mappings?.find((m) => m.field === 'assignee')?.externalField).toBe('agent_email');
  });
});

describe('Halo ticket scan', () => {
  async function scanAll(a: Adapter, pageSize: number, between: (pageNo: number) => Promise<void> = async () => {}) {
    const pages: RecordPage[] = [];
    let page: string | undefined;
    do {
      const result = await a.list!({ kind: 'incident', scope: 'all', pageSize, page });
      pages.push(result);
      page = result.nextPage;
      if (page) await between(pages.length);
    } while (page);
    return { pages, ids: pages.flatMap((p) => p.records.map((r) => r.id)) };
  }
  const ticketIds = () => halo.emulator.state.tickets.map((t) => String(t.id));

  it('lists every ticket once by id across pages, however old and of whichever type or client, with the total and no cursor', async () => {
    const a = adapter({ ticket_type_id: 4, client_id_default: 7 });
    halo.emulator.state.tickets.push({ ...busyTicket(1003, 'other-type'), tickettype_id: 9, client_id: 30, last_update: '2025-01-01T08:00:00' });
    for (const n of [1, 2, 3]) await create(a, `scan-${n}`);
    nowMs += 120 * 86_400_000;
    await create(a, 'scan-4');
    nowMs += 120 * 86_400_000;

    const { pages, ids } = await scanAll(a, 3);
    expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    expect(ids).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007']);
    expect(ids).toEqual(ticketIds());
    for (const p of pages) {
      expect(p.total).toBe(7);
      expect(p.cursor).toBeUndefined();
    }
    // The same tickets an incremental listing from the start reaches: the scan adds age, not scope.
    const listed = await a.list!({ kind: 'incident', pageSize: 100 });
    expect(listed.records.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(sent.filter((r) => r.method === 'GET' && r.url.endsWith('/api/Tickets')).slice(0, 3).map((r) => r.query)).toEqual(
      [1, 2, 3].map((n) => ({ order: 'id', orderdesc: false, pageinate: true, page_size: 3, page_no: n })),
    );
  });

  it('lists a ticket updated between two pages once, and one created meanwhile at the end', async () => {
    const a = adapter();
    for (const n of [1, 2, 3, 4, 5]) await create(a, `scan-${n}`);
    let created = '';
    const { pages, ids } = await scanAll(a, 3, async (pageNo) => {
      if (pageNo !== 1) return;
      nowMs += 1_000;
      for (const id of [1001, 1005]) expect(await writeOne(a, { op: 'update', kind: 'incident', id: String(id), fields: { summary: 'changed while scanning' } })).toMatchObject({ ok: true });
      created = (await create(a, 'scan-new')).id;
    });
    expect(ids).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008']);
    expect(ids[ids.length - 1]).toBe(created);
    expect(pages.map((p) => p.total)).toEqual([7, 8, 8]);
  });

  it('refuses a page token of the other kind of listing', async () => {
    const a = adapter();
    const scanned = await a.list!({ kind: 'incident', scope: 'all', pageSize: 1 });
    const listed = await a.list!({ kind: 'incident', pageSize: 1 });
    await expect(a.list!({ kind: 'incident', page: scanned.nextPage })).rejects.toThrow(`Halo page token of a scan given to an incremental listing: ${scanned.nextPage}`);
    await expect(a.list!({ kind: 'incident', scope: 'all', page: listed.nextPage })).rejects.toThrow(`Halo page token of an incremental listing given to a scan: ${listed.nextPage}`);
    await expect(a.list!({ kind: 'incident', scope: 'all', page: 'nope' })).rejects.toThrow('Not a Halo page token: nope');
  });
});
