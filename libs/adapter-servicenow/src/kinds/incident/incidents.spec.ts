import type { FieldValue, RecordPage } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { startEmulator, type ServiceNowEmulatorHandle } from '../../emulator';
import type { ServiceNowSettings } from '../../config';
import { ServiceNowAdapter } from '../../ServiceNowAdapter';

let sn: ServiceNowEmulatorHandle;
let now: number;

beforeAll(async () => {
  sn = await startEmulator({ port: 0, now: () => now });
});
afterAll(() => sn.close());
beforeEach(() => {
  now = Date.parse('2025-09-01T10:00:00Z');
  sn.emulator.reset();
});

function adapter(settings: ServiceNowSettings = {}, timeoutMs?: number) {
  const context = createTestAdapterContext({ baseUrl: sn.url, credentials: sn.credentials, settings, timeoutMs, clock: { now: () => new Date(now) } });
  return new ServiceNowAdapter(context);
}

const create = (correlationId: string, fields: Record<string, FieldValue>) => ({ op: 'create' as const, kind: 'incident' as const, correlationId, fields });
const update = (id: string, fields: Record<string, FieldValue>) => ({ op: 'update' as const, kind: 'incident' as const, id, fields });
const comment = (id: string, body: string, visibility: 'public' | 'internal') => ({ op: 'comment' as const, kind: 'incident' as const, id, correlationId: 'c', body, visibility });
const incidents = () => sn.emulator.tables.incident;

describe('incident writes and reads', () => {
  it('creates with emails and reads the record back with them', async () => {
    const a = adapter();
    const [result] = await a.write([create('hub-1', { short_description: 'Disk full', impact: '1', urgency: '2', assigned_to: 'admin@example.com', caller_id: 'abel.tuter@example.com', assignment_group: 'Service Desk', category: 'hardware' })]);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok || !result.record) throw new Error('no record');
    const record = result.record;
    expect(record).toMatchObject({
      kind: 'incident', number: 'INC0010003', version: '0', updatedAt: '2025-09-01T10:00:00.000Z', correlationId: 'hub-1',
      url: `${sn.url}/nav_to.do?uri=incident.do?sys_id=${record.id}`,
      fields: { short_description: 'Disk full', priority: '2', impact: '1', urgency: '2', assigned_to: 'admin@example.com', caller_id: 'abel.tuter@example.com', assignment_group: 'Service Desk', category: 'hardware', state: '1', description: null, close_notes: null },
    });
    const read = await a.read('incident', record.id);
    expect(read).toEqual({ ...record, comments: [] });
    expect(await a.read('incident', '0123456789abcdef0123456789abcdef')).toBeUndefined();
  });

  it('updates only the given fields, and clears with null', async () => {
    const a = adapter();
    const id = incidents()[0].sys_id;
    const before = { ...incidents()[0] };
    now += 5_000;
    const [result] = await a.write([update(id, { short_description: 'Email is slow again', subcategory: null })]);
    expect(result).toMatchObject({ ok: true, record: { version: '1', updatedAt: '2025-09-01T10:00:05.000Z', fields: { short_description: 'Email is slow again', subcategory: null, caller_id: 'abel.tuter@example.com' } } });
    const patch = sn.emulator.requests.filter((r) => r.method === 'PATCH');
    expect(patch).toHaveLength(1);
    expect({ ...incidents()[0], short_description: before.short_description, subcategory: before.subcategory, sys_mod_count: '0', sys_updated_on: before.sys_updated_on }).toEqual(before);
  });

  it('fills close_code and close_notes when resolving, and the emulator enforces the data policy', async () => {
    const id = incidents()[0].sys_id;
    const [resolved] = await adapter({ close_code: 'Solved (Work Around)' }).write([update(id, { state: '6' })]);
    expect(resolved).toMatchObject({ ok: true, record: { fields: { state: '6', close_code: 'Solved (Work Around)', close_notes: 'Resolved through ITSM Hub.' } } });
    const [closedWithNote] = await adapter().write([create('hub-2', { short_description: 'Closed at birth', state: '7', close_notes: 'Duplicate' })]);
    expect(closedWithNote).toMatchObject({ ok: true, record: { fields: { close_code: 'Solved (Permanently)', close_notes: 'Duplicate' } } });

    const raw = await fetch(`${sn.url}/api/now/table/incident/${incidents()[1].sys_id}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }, body: JSON.stringify({ state: '6' }),
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({ error: { message: 'Operation Failed', detail: 'Data Policy Exception: The following fields are mandatory: Resolution code, Resolution notes' }, status: 'failure' });
  });

  it('returns the comment id and reads comments and work notes back oldest first', async () => {
    const a = adapter();
    const id = incidents()[0].sys_id;
    const [first, second] = await a.write([comment(id, 'We are on it', 'public'), comment(id, 'Restarted the Exchange node', 'internal')]);
    expect(first).toMatchObject({ ok: true, commentId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(second).toMatchObject({ ok: true, commentId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const read = await a.read('incident', id);
    expect(read?.version).toBe('2');
    expect(read?.comments).toEqual([
      { id: first.ok ? first.commentId : '', body: 'We are on it', author: 'admin', visibility: 'public', createdAt: '2025-09-01T10:00:00.000Z' },
      { id: second.ok ? second.commentId : '', body: 'Restarted the Exchange node', author: 'admin', visibility: 'internal', createdAt: '2025-09-01T10:00:00.000Z' },
    ]);
  });

  it('finds an incident by correlation id', async () => {
    const a = adapter();
    await a.write([create('hub-find', { short_description: 'Findable' })]);
    expect(await a.find({ kind: 'incident', correlationId: 'hub-find' })).toMatchObject({ correlationId: 'hub-find', fields: { short_description: 'Findable' } });
    expect(await a.find({ kind: 'incident', correlationId: 'hub-none' })).toBeUndefined();
  });

  it('finds the created record after an ambiguous timeout', async () => {
    const a = adapter();
    sn.emulator.injectFault({ pathPrefix: '/api/now/table/incident', method: 'POST', dropResponse: true });
    const [result] = await a.write([create('hub-lost', { short_description: 'Answer lost' })]);
    expect(result).toMatchObject({ ok: false, error: { action: 'retry', kind: 'transient' } });
    expect(await a.find({ kind: 'incident', correlationId: 'hub-lost' })).toMatchObject({ number: 'INC0010003' });
  });

  it('retries a create without assignment_group when a business rule refuses it, with a warning', async () => {
    const [result] = await adapter().write([create('hub-group', { short_description: 'Group refused', assignment_group: 'Legacy Support' })]);
    expect(result).toMatchObject({ ok: true, record: { fields: { assignment_group: null } } });
    if (!result.ok) throw new Error('failed');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toContain("Created without assignment_group 'Legacy Support'");
    expect(result.warnings?.[0]).toContain('aborted by Business Rule');
    expect(sn.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/now/table/incident').map((r) => r.status)).toEqual([403, 201]);
    expect(incidents()).toHaveLength(3);
  });

  it('refuses an unknown email naming it and the field the engine may leave out, without writing', async () => {
    const [result] = await adapter().write([create('hub-x', { short_description: 'x', assigned_to: 'nobody@example.com' })]);
    expect(result).toEqual({
      ok: false,
      error: { action: 'fail', kind: 'user', message: "No ServiceNow user has the email 'nobody@example.com' (assigned_to)", unresolved: { field: 'assigned_to', value: 'nobody@example.com' } },
      vendorMessage: "No ServiceNow user has the email 'nobody@example.com' (assigned_to)",
    });
    expect(incidents()).toHaveLength(2);
  });

  it('sends numbers as their text, and refuses a list or a reference without writing', async () => {
    const id = incidents()[0].sys_id;
    const [numeric] = await adapter().write([update(id, { impact: 1, urgency: 3 })]);
    expect(numeric).toMatchObject({ ok: true, record: { fields: { impact: '1', urgency: '3' } } });
    const [list] = await adapter().write([update(id, { category: ['network', 'hardware'] })]);
    expect(list).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user', message: 'ServiceNow incident field category takes a single value, not ["network","hardware"]' } });
    const [reference] = await adapter().write([create('hub-ref', { short_description: 'x', assignment_group: { kind: 'group', id: 'g1' } })]);
    expect(reference).toMatchObject({ ok: false, error: { kind: 'user' } });
    expect(sn.emulator.requests.filter((r) => r.path.startsWith('/api/now/table/incident')).map((r) => r.method)).toEqual(['PATCH']);
    expect(incidents()).toHaveLength(2);
  });

  it('caches resolved emails per adapter', async () => {
    const a = adapter();
    await a.write([create('hub-c1', { short_description: 'a', caller_id: 'abel.tuter@example.com' }), create('hub-c2', { short_description: 'b', caller_id: 'abel.tuter@example.com' })]);
    expect(sn.emulator.requests.filter((r) => r.path === '/api/now/table/sys_user')).toHaveLength(1);
  });

  it('classifies a 429 with Retry-After as rate limited', async () => {
    sn.emulator.injectFault({ pathPrefix: '/api/now/table/incident', method: 'PATCH', status: 429, retryAfterSeconds: 30 });
    const [result] = await adapter().write([update(incidents()[0].sys_id, { short_description: 'later' })]);
    expect(result).toEqual({
      ok: false, status: 429, vendorMessage: 'Rate limit exceeded',
      error: { action: 'rate_limited', kind: 'transient', retryAfterMs: 30_000, message: 'Rate limit exceeded' },
    });
  });
});

describe('incremental listing', () => {
  it('pages across a boundary and re-reads records of the cursor second', async () => {
    const a = adapter();
    now = Date.parse('2025-09-01T10:00:00Z');
    await a.write([create('l1', { short_description: 'one' }), create('l2', { short_description: 'two' }), create('l3', { short_description: 'three' })]);

    const first = await a.list({ kind: 'incident', pageSize: 2 });
    expect(first.records.map((r) => r.number)).toEqual(['INC0010001', 'INC0010002']);
    expect(first.cursor).toBe('2025-08-02 15:05:12');
    expect(first.nextPage).toBeDefined();
    const second = await a.list({ kind: 'incident', pageSize: 2, cursor: first.cursor, page: first.nextPage });
    expect(second.records).toHaveLength(2);
    const third = await a.list({ kind: 'incident', pageSize: 2, cursor: second.cursor, page: second.nextPage });
    expect(third.records).toHaveLength(1);
    expect(third.nextPage).toBeUndefined();
    expect(third.cursor).toBe('2025-09-01 10:00:00');
    expect(new Set([...second.records, ...third.records].map((r) => r.correlationId))).toEqual(new Set(['l1', 'l2', 'l3']));

    // Another change in the same second as the cursor: a listing from the cursor sees it.
    await a.write([create('l4', { short_description: 'four' })]);
    const again = await a.list({ kind: 'incident', cursor: third.cursor });
    expect(again.records.map((r) => r.correlationId).sort()).toEqual(['l1', 'l2', 'l3', 'l4']);
    now += 1_000;
    await a.write([update(incidents()[0].sys_id, { short_description: 'changed' })]);
    const later = await a.list({ kind: 'incident', cursor: '2025-09-01 10:00:01' });
    expect(later).toEqual({ records: [expect.objectContaining({ number: 'INC0010001', version: '1' })], cursor: '2025-09-01 10:00:01' });
  });

  it('applies incident_query to the listing', async () => {
    const page = await adapter({ incident_query: 'category=network' }).list({ kind: 'incident' });
    expect(page.records.map((r) => r.number)).toEqual(['INC0010002']);
  });

  // INC0010001 (software) was last updated 2025-08-01 09:15:00, INC0010002 (network) 2025-08-02 15:05:12.
  it('keeps every ^NQ group of incident_query inside the polling window', async () => {
    const a = adapter({ incident_query: 'category=network^NQcategory=software' });
    expect((await a.list({ kind: 'incident' })).records.map((r) => r.number)).toEqual(['INC0010001', 'INC0010002']);
    const page = await a.list({ kind: 'incident', cursor: '2025-08-02 00:00:00' });
    expect(page.records.map((r) => r.number)).toEqual(['INC0010002']);
  });

  it('keeps an ^OR incident_query inside the polling window', async () => {
    const a = adapter({ incident_query: 'category=software^ORcategory=network' });
    expect((await a.list({ kind: 'incident' })).records.map((r) => r.number)).toEqual(['INC0010001', 'INC0010002']);
    const page = await a.list({ kind: 'incident', cursor: '2025-08-02 00:00:00' });
    expect(page.records.map((r) => r.number)).toEqual(['INC0010002']);
  });
});

describe('scan', () => {
  async function scanAll(a: ServiceNowAdapter, pageSize: number, between: (pageNo: number) => Promise<void> = async () => {}) {
    const pages: RecordPage[] = [];
    let page: string | undefined;
    do {
      const result = await a.list({ kind: 'incident', scope: 'all', pageSize, page });
      pages.push(result);
      page = result.nextPage;
      if (page) await between(pages.length);
    } while (page);
    return { pages, ids: pages.flatMap((p) => p.records.map((r) => r.id)) };
  }
  const sysIds = (where: (row: Record<string, string>) => boolean = () => true) => incidents().filter(where).map((row) => row.sys_id).sort();

  it('lists every incident once across pages, however old, in creation order, with the total and no cursor', async () => {
    const a = adapter();
    await a.write([create('s1', { short_description: 'one' }), create('s2', { short_description: 'two' }), create('s3', { short_description: 'three' })]);
    now += 120 * 86_400_000;
    await a.write([create('s4', { short_description: 'four' }), create('s5', { short_description: 'five' })]);
    now += 120 * 86_400_000;

    const { pages, ids } = await scanAll(a, 3);
    expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    expect([...ids].sort()).toEqual(sysIds());
    expect(ids).toHaveLength(7);
    const created = ids.map((id) => incidents().find((row) => row.sys_id === id)!.sys_created_on);
    expect(created).toEqual([...created].sort());
    for (const p of pages) {
      expect(p.total).toBe(7);
      expect(p.cursor).toBeUndefined();
    }
  });

  it('keeps every ^NQ group of incident_query in scope on every page', async () => {
    const a = adapter({ incident_query: 'category=network^NQcategory=hardware' });
    await a.write(['network', 'hardware', 'software', 'network', 'hardware', 'software'].map((category, i) => create(`q${i}`, { short_description: category, category })));
    const { pages, ids } = await scanAll(a, 2);
    expect(pages.length).toBeGreaterThan(1);
    expect([...ids].sort()).toEqual(sysIds((row) => row.category === 'network' || row.category === 'hardware'));
    expect(ids).toHaveLength(5);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
  });

  it('lists a record updated between two pages once, and one created meanwhile at the end', async () => {
    const a = adapter();
    await a.write([1, 2, 3, 4, 5].map((i) => create(`u${i}`, { short_description: `record ${i}` })));
    let listedFirst: string[] = [];
    let createdMeanwhile = '';
    const { pages, ids } = await scanAll(a, 3, async (pageNo) => {
      if (pageNo !== 1) return;
      now += 1_000;
      listedFirst = (await a.list({ kind: 'incident', scope: 'all', pageSize: 3 })).records.map((r) => r.id);
      const notYetListed = sysIds().find((id) => !listedFirst.includes(id))!;
      const [updatedListed, updatedUnlisted, created] = await a.write([
        update(listedFirst[0], { short_description: 'changed while scanning' }),
        update(notYetListed, { short_description: 'changed while scanning' }),
        create('u-new', { short_description: 'created while scanning' }),
      ]);
      expect([updatedListed.ok, updatedUnlisted.ok, created.ok]).toEqual([true, true, true]);
      if (created.ok) createdMeanwhile = created.record?.id ?? '';
    });
    expect(ids.slice(0, 3)).toEqual(listedFirst);
    expect(ids).toHaveLength(8);
    expect([...ids].sort()).toEqual(sysIds());
    expect(ids[ids.length - 1]).toBe(createdMeanwhile);
    expect(pages[pages.length - 1].total).toBe(8);
  });

  it('refuses a page token of the other kind of listing', async () => {
    const a = adapter();
    const scanned = await a.list({ kind: 'incident', scope: 'all', pageSize: 1 });
    const listed = await a.list({ kind: 'incident', pageSize: 1 });
    await expect(a.list({ kind: 'incident', page: scanned.nextPage })).rejects.toThrow(`ServiceNow page token of a scan given to an incremental listing: ${scanned.nextPage}`);
    await expect(a.list({ kind: 'incident', scope: 'all', page: listed.nextPage })).rejects.toThrow(`ServiceNow page token of an incremental listing given to a scan: ${listed.nextPage}`);
    await expect(a.list({ kind: 'incident', scope: 'all', page: 'nope' })).rejects.toThrow('Not a ServiceNow page token: nope');
  });
});
