import { createHmac } from 'node:crypto';
import type { Adapter, HttpRequest, WriteOperation, WriteResult } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator, type JiraEmulatorHandle } from './emulator';

const START = Date.parse('2026-03-01T12:00:30Z');
let nowMs = START;
let jira: JiraEmulatorHandle;
let sent: HttpRequest[];
const SECRET = 'jira-webhook-secret';

beforeAll(async () => {
  jira = await startEmulator({ now: () => nowMs });
});
afterAll(async () => {
  await jira.close();
});
beforeEach(() => {
  nowMs = START;
  jira.emulator.reset();
});

function adapter(settings: Record<string, unknown> = { project_key: 'OPS' }): Adapter {
  const context = createTestAdapterContext({ baseUrl: jira.url, credentials: jira.credentials, settings, webhookSecret: SECRET, clock: { now: () => new Date(nowMs) } });
  sent = [];
  const request = context.http.request.bind(context.http);
  context.http = { request: (req) => (sent.push(req), request(req)) };
  return plugin.create(context);
}

async function writeOne(a: Adapter, op: WriteOperation): Promise<WriteResult> {
  const [result] = await a.write!([op]);
  return result;
}

async function create(a: Adapter, correlationId: string, fields: Record<string, string | null> = { summary: 'Checkout down' }) {
  const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId, fields });
  if (!result.ok || !result.record) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.record;
}

const DESCRIPTION = 'Payments fail.\n\n- EU region\n- US region\n\n1. Roll back\n2. Verify\n\n```sh\nkubectl rollout undo\n```\n\nSee [runbook](https://wiki.example.com/rb) and `checkout-api`.';

describe('JiraAdapter incidents', () => {
  it('creates an issue with ADF, priority, email assignee and label, moves it, and reads it back', async () => {
    const a = adapter();
    const record = await create(a, 'abc-1', { summary: 'Checkout down', description: DESCRIPTION, priority: 'High', assignee: 'olivia.ops@example.com', status: 'In Progress' });
    expect(record).toMatchObject({
      kind: 'incident',
      number: 'OPS-4',
      url: `${jira.url}/browse/OPS-4`,
      correlationId: 'abc-1',
      fields: { summary: 'Checkout down', description: DESCRIPTION, status: 'In Progress', priority: 'High', assignee: 'olivia.ops@example.com' },
    });
    const post = sent.find((r) => r.method === 'POST' && r.url === '/rest/api/3/issue')!;
    expect(post.json).toMatchObject({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, labels: ['hub-abc-1'], priority: { name: 'High' }, assignee: { accountId: jira.state.users[1].accountId }, description: { type: 'doc', version: 1 } } });
    expect(await a.read!('incident', record.id)).toEqual({ ...record, comments: [] });
    expect(await a.read!('incident', 'OPS-999')).toBeUndefined();
  });

  it('matches a user whose email is hidden and reads it back as that email', async () => {
    const a = adapter();
    const record = await create(a, 'abc-2', { summary: 'Private', assignee: 'pat.private@example.com' });
    expect(record.fields.assignee).toBe('pat.private@example.com');
    // A fresh adapter has no memory of the lookup: the stand-in address keeps the person distinct.
    const fresh = await adapter().read!('incident', record.id);
    expect(fresh?.fields.assignee).toBe('712020_0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6@jira.invalid');
  });

  it('updates only the changed fields and returns a new version', async () => {
    const a = adapter();
    const record = await create(a, 'abc-3');
    nowMs += 1000;
    const result = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { summary: 'New title' } });
    expect(result).toMatchObject({ ok: true, record: { fields: { summary: 'New title', status: 'To Do' } } });
    expect(sent.filter((r) => r.method === 'PUT').map((r) => r.json)).toEqual([{ fields: { summary: 'New title' } }]);
    expect((result as { record: { version: string } }).record.version).not.toBe(record.version);
  });

  it('refuses an assignee no Jira account has, naming the field the engine may leave out, without writing', async () => {
    const a = adapter();
    sent = [];
    const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'abc-ghost', fields: { summary: 'Ghost', assignee: 'ghost@example.com' } });
    expect(result).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user', unresolved: { field: 'assignee', value: 'ghost@example.com' } } });
    expect((result as { vendorMessage: string }).vendorMessage).toContain('No active Jira user has the email ghost@example.com');
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('refuses a list or a reference value without writing', async () => {
    const a = adapter();
    const record = await create(a, 'abc-typed');
    sent = [];
    const list = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { summary: ['One', 'Two'] } });
    expect(list).toEqual({ ok: false, error: { action: 'fail', kind: 'user', message: 'Jira incident field summary takes a single value, not ["One","Two"]' }, vendorMessage: 'Jira incident field summary takes a single value, not ["One","Two"]' });
    const reference = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'abc-ref', fields: { summary: 'Ref', assignee: { kind: 'user', id: 'u1' } } });
    expect(reference).toMatchObject({ ok: false, error: { action: 'fail', kind: 'user' } });
    expect(sent).toEqual([]);
  });

  it.each([
    ['In Progress', 1],
    ['In Review', 2],
    ['Done', 3],
  ])('moves To Do to %s through %i transition(s)', async (status, steps) => {
    const a = adapter();
    const record = await create(a, `abc-move-${steps}`);
    sent = [];
    const result = await writeOne(a, { op: 'update', kind: 'incident', id: record.number!, fields: { status } });
    expect(result).toMatchObject({ ok: true, record: { fields: { status } } });
    expect(sent.filter((r) => r.method === 'POST' && r.url.endsWith('/transitions'))).toHaveLength(steps);
  });

  it('fails permanently with a clear message when the workflow has no path', async () => {
    const a = adapter({ project_key: 'SEC' });
    const record = await create(a, 'abc-sec', { summary: 'Token leak', status: 'Closed' });
    expect(record.fields.status).toBe('Closed');
    const result = await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { status: 'In Progress' } });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ action: 'fail', kind: 'user' }),
      vendorMessage: `Jira workflow of ${record.number} has no path from 'Closed' to 'In Progress' within 3 transitions (available: none)`,
    });
  });

  it('adds public and internal comments, returns their ids and reads them back', async () => {
    const a = adapter();
    const record = await create(a, 'abc-4');
    const pub = await writeOne(a, { op: 'comment', kind: 'incident', id: record.id, correlationId: 'c1', body: 'Rolled back\n\n- pod a', visibility: 'public' });
    const internal = await writeOne(a, { op: 'comment', kind: 'incident', id: record.id, correlationId: 'c2', body: 'Root cause: `cfg`', visibility: 'internal' });
    expect(pub).toEqual({ ok: true, commentId: expect.any(String) });
    const read = await a.read!('incident', record.id);
    expect(read?.comments).toEqual([
      { id: (pub as { commentId: string }).commentId, body: 'Rolled back\n\n- pod a', author: 'admin@example.com', visibility: 'public', createdAt: '2026-03-01T12:00:30.000Z' },
      { id: (internal as { commentId: string }).commentId, body: 'Root cause: `cfg`', author: 'admin@example.com', visibility: 'internal', createdAt: '2026-03-01T12:00:30.000Z' },
    ]);
  });

  it('finds an issue by correlation id, also after an ambiguous timeout of the create', async () => {
    const a = adapter();
    jira.emulator.injectFault({ pathPrefix: '/rest/api/3/issue', method: 'POST', dropResponse: true });
    const result = await writeOne(a, { op: 'create', kind: 'incident', correlationId: 'lost-1', fields: { summary: 'Lost answer' } });
    expect(result).toMatchObject({ ok: false, error: { action: 'retry', kind: 'transient' } });
    const found = await a.find!({ kind: 'incident', correlationId: 'lost-1' });
    expect(found).toMatchObject({ correlationId: 'lost-1', fields: { summary: 'Lost answer' } });
    expect(await a.find!({ kind: 'incident', correlationId: 'nobody' })).toBeUndefined();
  });

  it('lists with nextPageToken across a page boundary and overlaps the cursor minute', async () => {
    const a = adapter();
    const first = await a.list!({ kind: 'incident', pageSize: 2 });
    expect(first.records.map((r) => r.number)).toEqual(['OPS-1', 'OPS-2']);
    expect(first.nextPage).toBeDefined();
    const second = await a.list!({ kind: 'incident', pageSize: 2, page: first.nextPage });
    expect(second.records.map((r) => r.number)).toEqual(['OPS-3']);
    expect(second.nextPage).toBeUndefined();
    expect(second.cursor).toBe('2026-01-14T08:00:00.000Z');

    const made = await create(a, 'list-1');
    nowMs += 20_000;
    const again = await a.list!({ kind: 'incident', cursor: made.updatedAt });
    // Same minute as the cursor: read again (the engine skips the version it has seen).
    expect(again.records.map((r) => r.number)).toEqual([made.number]);
    const jql = String(sent.at(-1)?.query?.jql);
    expect(jql).toBe('project = "OPS" AND updated >= "2026-03-01 11:59" ORDER BY updated ASC');
  });

  it('scans every issue of the project by creation with scope all, whatever changed last, without a total or cursor', async () => {
    const a = adapter();
    const made = await create(a, 'scan-1');
    nowMs += 60_000;
    await writeOne(a, { op: 'update', kind: 'incident', id: '10001', fields: { summary: 'Checkout API answers 502 (again)' } });

    const numbers: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const result = await a.list!({ kind: 'incident', scope: 'all', page, pageSize: 2 });
      numbers.push(...result.records.map((r) => r.number!));
      expect(result.total).toBeUndefined();
      expect(result.cursor).toBeUndefined();
      page = result.nextPage;
      pages += 1;
    } while (page);
    expect(pages).toBe(2);
    expect(numbers).toEqual(['OPS-1', 'OPS-2', 'OPS-3', made.number]);
    expect(sent.at(-1)?.query?.jql).toBe('project = "OPS" ORDER BY created ASC, key ASC');
    // The incremental listing orders by the last change instead.
    expect((await a.list!({ kind: 'incident' })).records.map((r) => r.number)).toEqual(['OPS-2', 'OPS-3', made.number, 'OPS-1']);
  });

  it('scans every visible project, bounded by a creation date, without a project_key', async () => {
    const a = adapter({});
    const result = await a.list!({ kind: 'incident', scope: 'all' });
    expect(result.records.map((r) => r.number)).toEqual(['OPS-1', 'OPS-2', 'OPS-3', 'SEC-1']);
    expect(sent.at(-1)?.query?.jql).toBe('created >= "1970-01-01 00:00" ORDER BY created ASC, key ASC');
  });

  it('refuses a page token of the other listing mode, and one it did not write', async () => {
    const a = adapter();
    const scan = await a.list!({ kind: 'incident', scope: 'all', pageSize: 1 });
    const changes = await a.list!({ kind: 'incident', pageSize: 1 });
    expect(scan.nextPage).toBeDefined();
    expect(changes.nextPage).toBeDefined();
    await expect(a.list!({ kind: 'incident', page: scan.nextPage })).rejects.toThrow(
      "This Jira page token belongs to a full scan (scope 'all') and cannot continue an incremental listing (scope 'changes')",
    );
    await expect(a.list!({ kind: 'incident', scope: 'all', page: changes.nextPage })).rejects.toThrow(
      "This Jira page token belongs to an incremental listing (scope 'changes') and cannot continue a full scan (scope 'all')",
    );
    await expect(a.list!({ kind: 'incident', scope: 'all', page: 'bm9wZQ' })).rejects.toThrow('Not a Jira page token: bm9wZQ');
    // A token written before scans existed continues its incremental listing.
    const legacy = JSON.parse(Buffer.from(changes.nextPage!, 'base64url').toString('utf8')) as { scope?: string };
    delete legacy.scope;
    const resumed = await a.list!({ kind: 'incident', pageSize: 1, page: Buffer.from(JSON.stringify(legacy)).toString('base64url') });
    expect(resumed.records.map((r) => r.number)).toEqual(['OPS-2']);
  });

  it('classifies a 429 with Retry-After as rate limited', async () => {
    jira.emulator.injectFault({ pathPrefix: '/rest/api/3/issue', method: 'POST', status: 429, retryAfterSeconds: 7 });
    const result = await writeOne(adapter(), { op: 'create', kind: 'incident', correlationId: 'rl', fields: { summary: 'x' } });
    expect(result).toMatchObject({ ok: false, status: 429, error: { action: 'rate_limited', retryAfterMs: 7000 }, vendorMessage: 'Rate limit exceeded.' });
  });

  it('uses settings maps as value maps of the default mappings', () => {
    const mappings = adapter({ project_key: 'OPS', status_map: { new: 'Open' }, priority_map: { P1: 'Blocker' } }).defaultMappings!('incident')!;
    expect(mappings.find((m) => m.field === 'status')?.valueMap).toEqual({ new: 'Open' });
    expect(mappings.find((m) => m.field === 'priority')?.valueMap).toEqual({ P1: 'Blocker' });
    expect(adapter().defaultMappings!('incident')!.find((m) => m.field === 'status')?.valueMap?.new).toBe('To Do');
  });
});

describe('JiraAdapter webhooks', () => {
  let received: Array<{ headers: Record<string, string>; raw: Buffer }>;
  let server: import('node:http').Server;
  let url: string;

  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, raw: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received = [];
    jira.emulator.subscribeWebhooks({ url, secret: SECRET });
  });

  const parse = (a: Adapter, d: { headers: Record<string, string>; raw: Buffer }) => a.parseWebhook!({ headers: d.headers, rawBody: d.raw, query: {} });

  it('verifies, and parses create, update with changelog and a comment delivered twice as one event', async () => {
    const a = adapter();
    const record = await create(a, 'hook-1');
    nowMs += 1000;
    await writeOne(a, { op: 'update', kind: 'incident', id: record.id, fields: { summary: 'Renamed', status: 'In Progress' } });
    await writeOne(a, { op: 'comment', kind: 'incident', id: record.id, correlationId: 'x', body: 'Looking', visibility: 'public' });
    await jira.emulator.settleWebhooks();

    for (const d of received) expect(a.verifyWebhook!({ headers: d.headers, rawBody: d.raw, query: {} })).toEqual({ ok: true, value: true });
    const events = received.flatMap((d) => {
      const parsed = parse(a, d);
      return parsed.ok ? parsed.value : [];
    });
    expect(events.map((e) => [e.type, e.changedFields ?? []])).toEqual([
      ['created', []],
      ['updated', ['summary']],
      ['updated', ['status']],
      ['commented', []],
    ]);
    expect(events[0]).toMatchObject({ deliveryId: received[0].headers['x-atlassian-webhook-identifier'], record: { id: record.id, number: record.number, correlationId: 'hook-1' } });
    expect(events[3].record.comments).toEqual([expect.objectContaining({ body: 'Looking', visibility: 'public' })]);
    expect(received).toHaveLength(5);
  });

  it('rejects a bad or missing signature and falls back to timestamp + issue for the delivery id', () => {
    const a = adapter();
    const raw = Buffer.from(JSON.stringify({ timestamp: 1772366430000, webhookEvent: 'jira:issue_created', issue: { id: '1', key: 'OPS-1', fields: {} } }));
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    expect(a.verifyWebhook!({ headers: { 'x-hub-signature': sign(SECRET) }, rawBody: raw, query: {} })).toEqual({ ok: true, value: true });
    expect(a.verifyWebhook!({ headers: { 'x-hub-signature': sign('other') }, rawBody: raw, query: {} })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
    expect(a.verifyWebhook!({ headers: {}, rawBody: raw, query: {} })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
    const parsed = a.parseWebhook!({ headers: {}, rawBody: raw, query: {} });
    expect(parsed).toMatchObject({ ok: true, value: [{ type: 'created', deliveryId: 'jira:issue_created:1772366430000:1' }] });
    expect(a.parseWebhook!({ headers: {}, rawBody: Buffer.from('nope'), query: {} })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED' } });
  });
});
