import type { Adapter, HttpRequest, WriteResult } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from './index';
import { CURSOR_OVERLAP_MS } from './kinds/incident/reader';
import { startEmulator, type RunningPagerDutyEmulator } from './emulator';

const START = Date.parse('2026-03-01T12:00:00Z');
let nowMs = START;
let pd: RunningPagerDutyEmulator;
let sent: HttpRequest[];

beforeAll(async () => {
  pd = await startEmulator({ now: () => nowMs });
});
afterAll(async () => {
  await pd.close();
});
beforeEach(() => {
  nowMs = START;
  pd.emulator.reset();
});

const SETTINGS = { service_id: 'PSVC001', from_email: 'oncall@example.com' };

function adapter(settings: Record<string, unknown> = SETTINGS): Adapter {
  const context = createTestAdapterContext({ baseUrl: pd.url, credentials: pd.credentials, settings, clock: { now: () => new Date(nowMs) } });
  sent = [];
  const request = context.http.request.bind(context.http);
  context.http = { request: (req) => (sent.push(req), request(req)) };
  return plugin.create(context);
}

async function writeOne(a: Adapter, op: Parameters<NonNullable<Adapter['write']>>[0][number]): Promise<WriteResult> {
  const [result] = await a.write!([op]);
  return result;
}

async function create(a: Adapter, correlationId: string, fields: Record<string, string | null> = { title: 'Checkout down' }) {
  const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId, fields });
  if (!result.ok || !result.record) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.record;
}

describe('PagerDutyAdapter incidents', () => {
  it('creates an incident and reads it back with emails, priority names and its key', async () => {
    const a = adapter();
    const result = await writeOne(a, {
      op: 'create',
      kind: 'incident',
      correlationId: 'hub-1',
      fields: { title: 'Checkout down', 'body.details': 'All payments fail', status: 'acknowledged', priority: 'P2', urgency: 'high', assignee: 'oncall@example.com' },
    });
    expect(result).toMatchObject({ ok: true });
    const record = (result as { record: NonNullable<Extract<WriteResult, { ok: true }>['record']> }).record;
    expect(record).toMatchObject({
      kind: 'incident',
      correlationId: 'hub-1',
      number: '3',
      fields: { title: 'Checkout down', status: 'acknowledged', urgency: 'high', priority: 'P2', assignee: 'oncall@example.com' },
    });
    expect(record.url).toBe(`${pd.url}/incidents/${record.id}`);
    expect(record.version).toMatch(/^2026-03-01T12:00:00Z#[0-9a-f]{12}$/);

    const created = sent.find((r) => r.method === 'POST')!;
    expect(created.headers?.From).toBe('oncall@example.com');
    expect(created.json).toEqual({
      incident: {
        type: 'incident',
        title: 'Checkout down',
        service: { id: 'PSVC001', type: 'service_reference' },
        incident_key: 'hub-1',
        body: { type: 'incident_body', details: 'All payments fail' },
        urgency: 'high',
        priority: { id: 'PPRI002', type: 'priority_reference' },
        assignments: [{ assignee: { id: 'PUSR001', type: 'user_reference' } }],
      },
    });

    const read = await a.read!('incident', record.id);
    expect(read).toEqual({ ...record, comments: [] });
    expect(await a.read!('incident', 'PNOPE99')).toBeUndefined();
  });

  it('updates only the changed fields and returns a new version', async () => {
    const a = adapter();
    const record = await create(a, 'hub-2', { title: 'Old title', priority: 'P3' });
    nowMs += 1000;
    const result = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { title: 'New title', status: 'resolved' } });
    expect(result).toMatchObject({ ok: true, record: { fields: { title: 'New title', status: 'resolved', priority: 'P3', assignee: null } } });
    expect(sent.filter((r) => r.method === 'PUT').map((r) => r.json)).toEqual([{ incident: { type: 'incident_reference', title: 'New title', status: 'resolved' } }]);
    expect((result as { record: { version: string } }).record.version).not.toBe(record.version);
  });

  it('refuses a list or a reference value without writing', async () => {
    const a = adapter();
    const record = await create(a, 'hub-typed');
    sent = [];
    const list = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { title: ['One', 'Two'] } });
    expect(list).toEqual({ ok: false, error: { action: 'fail', kind: 'user', message: 'PagerDuty incident field title takes a single value, not ["One","Two"]' }, vendorMessage: 'PagerDuty incident field title takes a single value, not ["One","Two"]' });
    const reference = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-ref', fields: { title: 'Ref', assignee: { kind: 'user', id: 'PUSER01' } } });
    expect(reference).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user' } });
    expect(sent).toEqual([]);
  });

  it('tells two changes within one second apart by version', async () => {
    const a = adapter();
    const record = await create(a, 'hub-same-second');
    const first = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { priority: 'P1' } });
    const second = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { priority: 'P4' } });
    const versions = [record, first, second].map((r) => ('record' in r ? r.record?.version : undefined));
    expect(new Set(versions).size).toBe(3);
  });

  it('refuses to re-trigger a resolved incident as a permanent failure', async () => {
    const result = await writeOne(adapter(), { op: 'update', kind: 'incident', id: 'PINC002', fields: { status: 'triggered' } });
    expect(result).toMatchObject({ ok: false, status: 400, error: { action: 'fail', kind: 'user' } });
    expect((result as { vendorMessage: string }).vendorMessage).toContain('Incident Already Resolved');
  });

  it('adds a note, returns its id and reads it back after the older notes', async () => {
    const a = adapter();
    nowMs += 60_000;
    const result = await writeOne(a, { op: 'comment', kind: 'incident', id: 'PINC001', correlationId: 'hub-x', body: 'Rolled back', visibility: 'internal' });
    expect(result).toMatchObject({ ok: true, commentId: expect.stringMatching(/^PNOT/) });
    const read = await a.read!('incident', 'PINC001');
    expect(read?.comments).toEqual([
      { id: 'PNOT001', body: 'Looking at the checkout pods', author: 'oncall@example.com', visibility: 'public', createdAt: expect.any(String) },
      { id: (result as { commentId: string }).commentId, body: 'Rolled back', author: 'oncall@example.com', visibility: 'public', createdAt: '2026-03-01T12:01:00Z' },
    ]);
  });

  it('finds an incident by its incident_key over all dates', async () => {
    const a = adapter();
    const record = await create(a, 'hub-find');
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-find' })).toMatchObject({ id: record.id, correlationId: 'hub-find' });
    expect(sent.at(-1)?.query).toMatchObject({ incident_key: 'hub-find', date_range: 'all' });
    expect(await a.find!({ kind: 'incident', correlationId: 'no-such-key' })).toBeUndefined();
  });

  it('gets PagerDuty’s refusal for a second create with the same key, and find() returns the first', async () => {
    const a = adapter();
    const first = await create(a, 'hub-dup');
    const second = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-dup', fields: { title: 'Again' } });
    expect(second).toMatchObject({ ok: false, status: 400, error: { action: 'fail', kind: 'user' } });
    expect((second as { vendorMessage: string }).vendorMessage).toContain('Open incident with matching dedup key already exists on this service');
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-dup' })).toMatchObject({ id: first.id });
  });

  it('survives a lost create response: the write is retryable and find() finds the incident', async () => {
    const a = adapter();
    pd.emulator.injectFault({ pathPrefix: '/incidents', method: 'POST', dropResponse: true });
    const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'hub-lost', fields: { title: 'Lost answer' } });
    expect(result).toMatchObject({ ok: false, error: { action: 'retry', kind: 'transient' } });
    expect(await a.find!({ kind: 'incident', correlationId: 'hub-lost' })).toMatchObject({ fields: { title: 'Lost answer' } });
  });

  it('refuses the write, naming the email and the field the engine may leave out, when no user has the assignee email', async () => {
    const result = await writeOne(adapter(), { op: 'create', kind: 'incident', correlationId: 'hub-3', fields: { title: 'x', assignee: 'ghost@example.com' } });
    expect(result).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user', unresolved: { field: 'assignee', value: 'ghost@example.com' } } });
    expect((result as { vendorMessage: string }).vendorMessage).toContain('ghost@example.com');
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('skips the priority with a warning on an account without priorities', async () => {
    pd.store.priorities = [];
    const result = await writeOne(adapter(), { op: 'create', kind: 'incident', correlationId: 'hub-4', fields: { title: 'x', priority: 'P1' } });
    expect(result).toMatchObject({ ok: true, warnings: [expect.stringContaining('Priorities are turned off')], record: { fields: { priority: null } } });
  });

  it('classifies a 429 with Retry-After as rate limited with the delay', async () => {
    pd.emulator.injectFault({ pathPrefix: '/incidents/PINC001', method: 'PUT', status: 429, retryAfterSeconds: 7 });
    const result = await writeOne(adapter(), { op: 'update', kind: 'incident', id: 'PINC001', fields: { title: 'x' } });
    expect(result).toEqual({ ok: false, status: 429, vendorMessage: 'Rate Limit Exceeded', error: { action: 'rate_limited', kind: 'transient', retryAfterMs: 7000, message: 'Rate Limit Exceeded' } });
  });

  it('lists incidents changed since a cursor through log entries, across pages and within one second', async () => {
    const a = adapter();
    nowMs = START + 3_600_000;
    const one = await create(a, 'hub-l1');
    const two = await create(a, 'hub-l2');
    await writeOne(a, { op: 'update', kind: 'incident', id: one.id, fields: { status: 'acknowledged' } });
    const since = new Date(START).toISOString();

    const ids: string[] = [];
    let page: string | undefined;
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await a.list!({ kind: 'incident', cursor: since, page, pageSize: 1 });
      ids.push(...result.records.map((r) => r.id));
      if (result.nextPage) expect(result.cursor).toBeUndefined();
      page = result.nextPage;
      cursor = result.cursor;
      pages += 1;
    } while (page);
    expect(pages).toBe(3);
    expect(new Set(ids)).toEqual(new Set([one.id, two.id]));
    expect(cursor).toBe(new Date(START + 3_600_000 - CURSOR_OVERLAP_MS).toISOString().replace('.000', ''));

    // A change in the same second as the newest entry already seen is still found from that cursor.
    await writeOne(a, { op: 'comment', kind: 'incident', id: two.id, correlationId: 'hub-l2', body: 'same second', visibility: 'public' });
    const again = await a.list!({ kind: 'incident', cursor });
    expect(again.records.map((r) => r.id)).toEqual(expect.arrayContaining([two.id]));
  });

  it('starts a listing 30 days back without a cursor and keeps to service_ids', async () => {
    const all = await adapter().list!({ kind: 'incident' });
    expect(all.records.map((r) => r.id).sort()).toEqual(['PINC001', 'PINC002']);
    expect(sent[0].query?.since).toBe('2026-01-30T12:00:00Z');
    expect((await adapter({ ...SETTINGS, service_ids: ['POTHER1'] }).list!({ kind: 'incident' })).records).toEqual([]);
  });

  it('scans every incident however old with scope all, where the incremental listing reaches back 30 days', async () => {
    const a = adapter();
    const old = await create(a, 'hub-old');
    nowMs = START + 200 * 86_400_000;
    const recent = await create(a, 'hub-recent');

    const changes = await a.list!({ kind: 'incident' });
    expect(changes.records.map((r) => r.id)).toEqual([recent.id]);

    const ids: string[] = [];
    let page: string | undefined;
    do {
      const result = await a.list!({ kind: 'incident', scope: 'all', page, pageSize: 2 });
      ids.push(...result.records.map((r) => r.id));
      expect(result.total).toBe(4);
      expect(result.cursor).toBeUndefined();
      page = result.nextPage;
    } while (page);
    expect(ids).toEqual(['PINC002', 'PINC001', old.id, recent.id]);
  });

  it('refuses a page token of the other listing mode, and one it did not write', async () => {
    const a = adapter();
    await create(a, 'hub-t1');
    await create(a, 'hub-t2');
    const scan = await a.list!({ kind: 'incident', scope: 'all', pageSize: 1 });
    const changes = await a.list!({ kind: 'incident', pageSize: 1 });
    expect(scan.nextPage).toBeDefined();
    expect(changes.nextPage).toBeDefined();
    await expect(a.list!({ kind: 'incident', page: scan.nextPage })).rejects.toThrow(
      "This PagerDuty page token belongs to a full scan (scope 'all') and cannot continue an incremental listing",
    );
    await expect(a.list!({ kind: 'incident', scope: 'all', page: changes.nextPage })).rejects.toThrow(
      "This PagerDuty page token belongs to an incremental listing (scope 'changes') and cannot continue a full scan (scope 'all')",
    );
    await expect(a.list!({ kind: 'incident', scope: 'all', page: 'bm9wZQ' })).rejects.toThrow('Not a PagerDuty page token: bm9wZQ');
  });
});
