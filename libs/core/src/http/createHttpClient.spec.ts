import { EmulatorApp, type EmulatorHandle } from '../emulator/EmulatorApp';
import { TransportError } from '../errors/HubError';
import type { AuditEntry } from './AuditSink';
import { withAuditScope } from './auditScope';
import { createHttpClient } from './createHttpClient';

describe('createHttpClient', () => {
  const emulator = new EmulatorApp();
  let handle: EmulatorHandle;
  let hits = 0;
  const audit: AuditEntry[] = [];

  beforeAll(async () => {
    emulator.router.get('/things', (ctx) => {
      hits++;
      ctx.body = { ok: true };
    });
    emulator.router.post('/things', (ctx) => {
      hits++;
      ctx.status = 201;
      ctx.body = { received: ctx.request.body };
    });
    handle = await emulator.listen();
  });
  afterAll(() => handle.close());
  beforeEach(() => {
    hits = 0;
    audit.length = 0;
  });

  const client = (capturePayloads = false) =>
    createHttpClient({
      baseUrl: handle.url,
      organizationId: 'org',
      integrationId: 'int',
      retries: 2,
      retryBaseDelayMs: 1,
      audit: { record: async (e) => void audit.push(e) },
      capturePayloads,
    });

  it('attributes each call to the sync operation around it, and keeps bodies only when asked, redacted', async () => {
    await withAuditScope({ operation: 'create', entityType: 'incident', entityId: 'hub-1' }, () => client().request({ method: 'POST', url: '/things', json: { title: 't' } }));
    expect(audit[0]).toMatchObject({ scope: { operation: 'create', entityType: 'incident', entityId: 'hub-1' }, status: 201 });
    expect(audit[0].requestPayload).toBeUndefined();
    await client(true).request({ method: 'POST', url: '/things', json: { title: 't', password: 'hunter2', nested: { api_key: 'k' } } });
    expect(audit[1].scope).toBeUndefined();
    expect(audit[1].requestPayload).toEqual({ title: 't', password: '[redacted]', nested: { api_key: '[redacted]' } });
    expect(audit[1].responsePayload).toEqual({ received: { title: 't', password: '[redacted]', nested: { api_key: '[redacted]' } } });
    await client(true).request({ method: 'POST', url: '/things', json: { text: 'x'.repeat(10_000) } });
    const cut = audit[2].requestPayload as { truncated: boolean; preview: string };
    expect(cut.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(4_096);
  });

  it('retries reads marked retry on 5xx and 429, and returns the last status when attempts run out', async () => {
    emulator.injectFault({ pathPrefix: '/things', status: 503 });
    emulator.injectFault({ pathPrefix: '/things', status: 429, retryAfterSeconds: 0 });
    const ok = await client().request({ method: 'GET', url: '/things', retry: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    emulator.injectFault({ pathPrefix: '/things', status: 500, count: 5 });
    const failed = await client().request({ method: 'GET', url: '/things', retry: true });
    expect(failed.status).toBe(500);
    await fetch(`${handle.url}/_emulator/faults`, { method: 'DELETE' });
  });

  it("retries as the platform's classification says: not what it calls permanent, and what it calls temporary", async () => {
    const classified = (classify: Parameters<typeof createHttpClient>[0]['classify']) =>
      createHttpClient({ baseUrl: handle.url, organizationId: 'org', integrationId: 'int', retries: 2, retryBaseDelayMs: 1, classify });
    // A platform whose 503 means the instance is hibernating: a retry cannot help.
    emulator.injectFault({ pathPrefix: '/things', status: 503 });
    const hibernating = await classified((f) => ({ action: 'fail', kind: 'config', message: f.type === 'response' ? `status ${f.status}` : 'transport' })).request({ method: 'GET', url: '/things', retry: true });
    expect(hibernating.status).toBe(503);
    expect(hits).toBe(0);
    // A platform whose 409 means "busy, try again".
    emulator.injectFault({ pathPrefix: '/things', status: 409 });
    const busy = await classified((f) => ({ action: f.type === 'response' && f.status === 409 ? 'retry' : 'fail', kind: 'transient', message: 'busy' })).request({ method: 'GET', url: '/things', retry: true });
    expect(busy.status).toBe(200);
    expect(hits).toBe(1);
  });

  it('asks before every call, retries included, and a refused call is neither made, audited nor a transport error', async () => {
    let asked = 0;
    const refusal = new Error('rate limit reached, next slot in 500 ms');
    const budgeted = (refuse: boolean) => createHttpClient({
      baseUrl: handle.url, organizationId: 'org', integrationId: 'int', retries: 2, retryBaseDelayMs: 1, audit: { record: async (e) => void audit.push(e) },
      beforeCall: async () => {
        asked += 1;
        if (refuse) throw refusal;
      },
    });
    emulator.injectFault({ pathPrefix: '/things', status: 503 });
    expect((await budgeted(false).request({ method: 'GET', url: '/things', retry: true })).status).toBe(200);
    expect(asked).toBe(2);
    audit.length = 0;
    hits = 0;
    await expect(budgeted(true).request({ method: 'GET', url: '/things', retry: true })).rejects.toBe(refusal);
    expect(hits).toBe(0);
    expect(audit).toEqual([]);
  });

  it('never retries a write, so attempts cannot multiply', async () => {
    emulator.injectFault({ pathPrefix: '/things', status: 503 });
    const response = await client().request({ method: 'POST', url: '/things', json: { a: 1 } });
    expect(response.status).toBe(503);
    expect(hits).toBe(0);
    const created = await client().request({ method: 'POST', url: '/things', json: { a: 1 } });
    expect(created).toMatchObject({ status: 201, body: { received: { a: 1 } } });
  });

  it('audits method, path and status without the query string', async () => {
    await client().request({ method: 'GET', url: '/things', query: { token: 'secret-in-query' } });
    expect(audit).toEqual([expect.objectContaining({ method: 'GET', path: '/things', status: 200, organizationId: 'org', integrationId: 'int' })]);
    expect(JSON.stringify(audit)).not.toContain('secret-in-query');
  });

  it('turns a refused connection into a TransportError', async () => {
    const closed = createHttpClient({ baseUrl: 'http://127.0.0.1:1', organizationId: 'o', integrationId: 'i' });
    await expect(closed.request({ method: 'GET', url: '/x' })).rejects.toBeInstanceOf(TransportError);
  });
});
