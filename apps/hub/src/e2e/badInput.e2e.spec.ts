import zlib from 'node:zlib';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';

/**
 * Every bad input is refused with a 4xx application/problem+json carrying a stable `code` and,
 * where a field is to blame, per-field `errors` naming it; and a refused request stores nothing.
 */
describe('bad input is refused as a problem and stores nothing', () => {
  let t: TestHub;
  let existing: any;
  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: 'valid-snow',
    type: 'servicenow',
    base_url: 'https://example.invalid',
    credentials: { username: 'u', password: 'p' },
    ...overrides,
  });

  const count = async () => {
    const list = await t.api('GET', '/api/v1/integrations');
    expect(list.status).toBe(200);
    return list.body.integrations.length as number;
  };
  const current = async () => {
    const got = await t.api('GET', `/api/v1/integrations/${existing.id}`);
    expect(got.status).toBe(200);
    return got.body;
  };
  type Res = { status: number; body: any; type: string };
  /** Asserts a problem document: status, media type, stable code, and (optionally) the blamed fields. */
  const expectProblem = (res: Res, status: number, code: string, fields?: string[]) => {
    expect({ status: res.status, type: res.type, code: res.body?.code }).toEqual({
      status,
      type: expect.stringContaining('application/problem+json'),
      code,
    });
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.stringMatching(/^https:\/\//) });
    if (fields) {
      expect(Array.isArray(res.body.errors)).toBe(true);
      const named = res.body.errors.map((e: { field: string }) => e.field);
      for (const f of fields) expect(named).toContain(f);
      for (const e of res.body.errors) expect(typeof e.message).toBe('string');
    }
  };
  /** POSTs a bad create, checks the problem, and proves the integration count did not move. */
  const refusedCreate = async (body: unknown, status: number, code: string, fields?: string[], headers?: Record<string, string>) => {
    const before = await count();
    const res = await t.api('POST', '/api/v1/integrations', body, ADMIN_TOKEN, headers);
    expectProblem(res, status, code, fields);
    expect(await count()).toBe(before);
    return res;
  };
  /** PATCHes the existing integration badly, checks the problem, and proves it is unchanged. */
  const refusedPatch = async (body: unknown, status: number, code: string, fields?: string[], headers?: Record<string, string>) => {
    const before = await current();
    const res = await t.api('PATCH', `/api/v1/integrations/${existing.id}`, body, ADMIN_TOKEN, headers);
    expectProblem(res, status, code, fields);
    expect(await current()).toEqual(before);
    return res;
  };

  beforeAll(async () => {
    t = await startTestHub();
    const created = await t.api('POST', '/api/v1/integrations', valid({ name: 'existing-snow', settings: { incident_table: 'incident' } }));
    expect(created.status).toBe(201);
    existing = created.body;
    const rules = await t.api('PUT', `/api/v1/integrations/${existing.id}/ownership`, { rules: [{ field: 'priority', owner: 'platform', priority: 1 }] });
    expect(rules.status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('accepts the valid baseline body (so every refusal below is due to the one bad part)', async () => {
    const before = await count();
    const ok = await t.api('POST', '/api/v1/integrations', valid({ name: 'baseline-ok' }));
    expect(ok.status).toBe(201);
    expect(await count()).toBe(before + 1);
    expect((await t.api('DELETE', '/api/v1/integrations/baseline-ok')).status).toBe(204);
  });

  it('refuses malformed JSON with HUB_ERR_REQUEST_MALFORMED_JSON', async () => {
    for (const raw of ['{"name": ', '{name: "x"}', "{'a':1}", '{"a":1,}', '{"a":1}}', '\u0000', '{"a": undefined}']) {
      const res = await refusedCreate(raw, 400, 'HUB_ERR_REQUEST_MALFORMED_JSON', ['(body)']);
      expect(res.body.detail).toMatch(/not valid JSON/);
    }
    await refusedPatch('{"enabled": fals', 400, 'HUB_ERR_REQUEST_MALFORMED_JSON', ['(body)']);
    const put = await t.api('PUT', `/api/v1/integrations/${existing.id}/ownership`, '{"rules": [');
    expectProblem(put, 400, 'HUB_ERR_REQUEST_MALFORMED_JSON', ['(body)']);
  });

  it('refuses JSON whose top level is not an object', async () => {
    for (const raw of ['[]', '[{"name":"x"}]', '"a string"', 'null', '42', 'true']) {
      const res = await t.api('POST', '/api/v1/integrations', raw);
      expect(res.status).toBe(400);
      expect(['HUB_ERR_REQUEST_MALFORMED_JSON', 'HUB_ERR_VALIDATION_FAILED']).toContain(res.body.code);
      expectProblem(res, 400, res.body.code, ['(body)']);
      await refusedCreate(raw, 400, res.body.code, ['(body)']);
      const patched = await refusedPatch(raw, 400, res.body.code === 'HUB_ERR_VALIDATION_FAILED' ? 'HUB_ERR_VALIDATION_FAILED' : 'HUB_ERR_REQUEST_MALFORMED_JSON');
      expect(patched.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('refuses unknown top-level fields, naming each one', async () => {
    const res = await refusedCreate(valid({ bogus: 1, id: 'x' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus', 'id']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'bogus').message).toMatch(/unknown/);
    await refusedCreate(valid({ __proto__x: true, created_at: '2020-01-01' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['created_at']);
    await refusedPatch({ enabled: false, bogus: 1 }, 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    await refusedPatch({ credentials_encrypted: 'x' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials_encrypted']);
  });

  it('refuses unknown credential and setting fields with a dotted path', async () => {
    await refusedCreate(valid({ credentials: { username: 'u', password: 'p', token: 't' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.token']);
    await refusedCreate(valid({ settings: { incident_tabel: 'incident' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.incident_tabel']);
    await refusedCreate(valid({ settings: { incident_table: 'Bad Table' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.incident_table']);
    await refusedPatch({ credentials: { token: 't' } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.token']);
    await refusedPatch({ settings: { api_version: 'two' } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.api_version']);
  });

  it('refuses wrong types, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ enabled: 'yes' }, 'enabled'],
      [{ enabled: 1 }, 'enabled'],
      [{ rate_limit_per_minute: 'x' }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: -1 }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: 0 }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: 1.5 }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: 1e12 }, 'rate_limit_per_minute'],
      [{ name: 5 }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '-starts-with-dash' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'nul\u0000byte' }, 'name'],
      [{ type: 7 }, 'type'],
      [{ base_url: ['https://example.invalid'] }, 'base_url'],
      [{ credentials: 'u:p' }, 'credentials'],
      [{ credentials: ['u', 'p'] }, 'credentials'],
      [{ credentials: { username: 5, password: 'p' } }, 'credentials.username'],
      [{ settings: [] }, 'settings'],
      [{ webhook_secret: 'short' }, 'webhook_secret'],
      [{ webhook_secret: 12345678 }, 'webhook_secret'],
      [{ organization_id: 42 }, 'organization_id'],
    ];
    for (const [override, field] of cases) {
      await refusedCreate(valid(override), 400, 'HUB_ERR_VALIDATION_FAILED', [field]);
    }
    const patchCases: Array<[Record<string, unknown>, string]> = [
      [{ enabled: 'yes' }, 'enabled'],
      [{ rate_limit_per_minute: 'x' }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: -1 }, 'rate_limit_per_minute'],
      [{ rate_limit_per_minute: 1.5 }, 'rate_limit_per_minute'],
      [{ name: null }, 'name'],
      [{ name: '' }, 'name'],
      [{ base_url: null }, 'base_url'],
      [{ credentials: 'x' }, 'credentials'],
      [{ settings: 3 }, 'settings'],
      [{ webhook_secret: 'short' }, 'webhook_secret'],
      // One bad field spoils the whole patch: the good one next to it is not applied either.
      [{ enabled: false, direction: 'sideways' }, 'direction'],
    ];
    for (const [patch, field] of patchCases) {
      await refusedPatch(patch, 400, 'HUB_ERR_VALIDATION_FAILED', [field]);
    }
  });

  it('refuses missing required fields, naming each one', async () => {
    await refusedCreate({}, 400, 'HUB_ERR_VALIDATION_FAILED', ['name', 'type', 'base_url', 'credentials']);
    for (const field of ['name', 'type', 'base_url', 'credentials']) {
      const body: Record<string, unknown> = valid();
      delete body[field];
      await refusedCreate(body, 400, 'HUB_ERR_VALIDATION_FAILED', [field]);
    }
    // The adapter's credential schema: Basic needs both halves; nothing at all is named too.
    await refusedCreate(valid({ credentials: {} }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials']);
    await refusedCreate(valid({ credentials: { username: 'u' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.password']);
    await refusedCreate(valid({ credentials: { username: 'u', password: '' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.password']);
    await refusedCreate(valid({ credentials: { client_id: 'c', username: 'u', password: 'p' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.client_secret']);
  });

  it('refuses an unknown adapter type with HUB_ERR_ADAPTER_UNKNOWN_TYPE on `type`', async () => {
    for (const type of ['remedy', 'ServiceNow2', ' ', '__proto__', 'constructor', 'toString']) {
      const res = await refusedCreate(valid({ type }), 400, 'HUB_ERR_ADAPTER_UNKNOWN_TYPE', ['type']);
      expect(res.body.errors[0].message).toMatch(/servicenow/);
    }
    await refusedCreate(valid({ type: '' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
  });

  it('refuses a base_url that is not an absolute http(s) URL', async () => {
    for (const base_url of ['ftp://example.invalid', 'javascript:alert(1)', 'not a url', '', 'https://', 'file:///etc/passwd', '//example.invalid', 'data:text/plain,hi', 'mailto:a@example.invalid']) {
      await refusedCreate(valid({ base_url }), 400, 'HUB_ERR_VALIDATION_FAILED', ['base_url']);
      await refusedPatch({ base_url }, 400, 'HUB_ERR_VALIDATION_FAILED', ['base_url']);
    }
    await refusedCreate(valid({ base_url: `https://example.invalid/${'a'.repeat(2100)}` }), 400, 'HUB_ERR_VALIDATION_FAILED', ['base_url']);
  });

  it('refuses an invalid direction or conflict strategy', async () => {
    await refusedCreate(valid({ direction: 'sideways' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['direction']);
    await refusedCreate(valid({ direction: null }), 400, 'HUB_ERR_VALIDATION_FAILED', ['direction']);
    await refusedCreate(valid({ conflict_strategy: 'coinflip' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['conflict_strategy']);
    await refusedPatch({ direction: 'BIDIRECTIONAL' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['direction']);
    await refusedPatch({ conflict_strategy: 'coinflip' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['conflict_strategy']);
  });

  it('refuses a duplicate name with 409 HUB_ERR_CONFLICT on `name`', async () => {
    await refusedCreate(valid({ name: 'existing-snow' }), 409, 'HUB_ERR_CONFLICT', ['name']);
    expect((await t.api('POST', '/api/v1/integrations', valid({ name: 'second-snow' }))).status).toBe(201);
    await refusedPatch({ name: 'second-snow', enabled: false }, 409, 'HUB_ERR_CONFLICT', ['name']);
    expect((await t.api('DELETE', '/api/v1/integrations/second-snow')).status).toBe(204);
  });

  it('refuses a body over 1 MiB with 413 HUB_ERR_REQUEST_TOO_LARGE (Content-Length given)', async () => {
    const big = JSON.stringify(valid({ name: 'too-big', settings: { encoded_query: 'x'.repeat(1024 * 1024 + 10) } }));
    await refusedCreate(big, 413, 'HUB_ERR_REQUEST_TOO_LARGE');
    await refusedPatch(JSON.stringify({ settings: { encoded_query: 'y'.repeat(1024 * 1024 + 10) } }), 413, 'HUB_ERR_REQUEST_TOO_LARGE');
    // A declared length over the limit is refused before the body is read.
    const declared = await t.api('POST', '/api/v1/integrations', big, ADMIN_TOKEN);
    expectProblem(declared, 413, 'HUB_ERR_REQUEST_TOO_LARGE');
  });

  it('refuses a chunked body over 1 MiB with 413 HUB_ERR_REQUEST_TOO_LARGE', async () => {
    const before = await count();
    const head = new TextEncoder().encode('{"name":"chunked","type":"servicenow","base_url":"https://example.invalid","credentials":{"username":"u","password":"p"},"settings":{"encoded_query":"');
    const chunk = new TextEncoder().encode('z'.repeat(64 * 1024));
    const tail = new TextEncoder().encode('"}}');
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        else if (sent <= 20) controller.enqueue(chunk); // 20 x 64 KiB = 1.25 MiB
        else {
          controller.enqueue(tail);
          controller.close();
        }
        sent++;
      },
    });
    const response = await postChunked(t.hub.url, stream);
    const body = await response.json();
    expectProblem({ status: response.status, body, type: response.headers.get('content-type') ?? '' }, 413, 'HUB_ERR_REQUEST_TOO_LARGE');
    expect(await count()).toBe(before);

    // A small chunked body is read normally (the limit, not chunking, is what is refused).
    const small = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(valid({ name: 'chunked-small' }))));
        controller.close();
      },
    });
    const ok = await postChunked(t.hub.url, small);
    expect(ok.status).toBe(201);
    expect(await count()).toBe(before + 1);
    expect((await t.api('DELETE', '/api/v1/integrations/chunked-small')).status).toBe(204);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const json = JSON.stringify(valid({ name: 'wrong-media' }));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json-ish']) {
      await refusedCreate(json, 415, 'HUB_ERR_REQUEST_UNSUPPORTED_MEDIA', undefined, { 'Content-Type': contentType });
      await refusedPatch(JSON.stringify({ enabled: false }), 415, 'HUB_ERR_REQUEST_UNSUPPORTED_MEDIA', undefined, { 'Content-Type': contentType });
    }
    // application/*+json and a charset parameter are JSON.
    const merge = await t.api('PATCH', `/api/v1/integrations/${existing.id}`, JSON.stringify({ rate_limit_per_minute: 10 }), ADMIN_TOKEN, {
      'Content-Type': 'application/merge-patch+json; charset=utf-8',
    });
    expect(merge.status).toBe(200);
    expect(merge.body.rate_limit_per_minute).toBe(10);
    existing = merge.body;
  });

  it('refuses a PATCH that changes the type', async () => {
    await refusedPatch({ type: 'jira' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
    await refusedPatch({ type: 'no-such-adapter' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
    await refusedPatch({ type: 'jira', enabled: false }, 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
    // The same type (or an alias of it) is accepted as a no-op.
    expect((await t.api('PATCH', `/api/v1/integrations/${existing.id}`, { type: 'ServiceNow' })).status).toBe(200);
  });

  it('refuses a PATCH whose merged credentials fail the adapter schema, keeping the stored ones', async () => {
    await refusedPatch({ credentials: { password: null } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.password']);
    await refusedPatch({ credentials: { username: null, password: null } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials']);
    await refusedPatch({ credentials: { client_id: 'c' } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.client_secret']);
    await refusedPatch({ credentials: { password: 5 } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.password']);
    await refusedPatch({ enabled: false, credentials: { password: '' } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.password']);
    await refusedPatch({ settings: { incident_table: 5 } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.incident_table']);
    expect((await current()).credentials).toEqual({ password: '***', username: '***' });
  });

  it('answers an unknown route with a 404 problem and a wrong method with a 405 problem', async () => {
    // `/` and other page paths are the console's (console.e2e.spec.ts).
    for (const path of ['/api/v1/nothing', '/api/v2/integrations', '/api', '/api/v1/integrations/x/y/z']) {
      expectProblem(await t.api('GET', path), 404, 'HUB_ERR_NOT_FOUND');
    }
    expectProblem(await t.api('POST', '/api/v1/nothing', valid()), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await t.api('GET', '/api/v1/integrations/does-not-exist'), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await t.api('GET', '/api/v1/integrations/00000000-0000-4000-8000-000000000000'), 404, 'HUB_ERR_NOT_FOUND');
    const before = await count();
    for (const [method, path] of [
      ['PUT', '/api/v1/integrations'],
      ['DELETE', '/api/v1/integrations'],
      ['PATCH', '/api/v1/integrations'],
      ['PUT', `/api/v1/integrations/${existing.id}`],
      ['GET', `/api/v1/integrations/${existing.id}/test`],
      ['POST', '/healthz'],
    ] as const) {
      const res = await t.api(method, path, method === 'GET' ? undefined : valid({ name: 'via-wrong-method' }));
      expectProblem(res, 405, res.body?.code);
      expect(res.body.code).toMatch(/^HUB_ERR_/);
    }
    expect(await count()).toBe(before);
  });

  it('answers a missing or invalid bearer token with 401 and stores nothing', async () => {
    const before = await count();
    for (const [token, headers, code] of [
      [null, {}, 'HUB_ERR_AUTH_MISSING'],
      ['ihub_not-a-real-token', {}, 'HUB_ERR_AUTH_INVALID'],
      [null, { Authorization: 'Basic dTpw' }, 'HUB_ERR_AUTH_MISSING'],
      [null, { Authorization: 'Bearer' }, 'HUB_ERR_AUTH_MISSING'],
      [null, { Authorization: `Bearer ${ADMIN_TOKEN} extra` }, 'HUB_ERR_AUTH_MISSING'],
      [null, { Authorization: `Bearer ${ADMIN_TOKEN}x` }, 'HUB_ERR_AUTH_INVALID'],
    ] as Array<[string | null, Record<string, string>, string]>) {
      expectProblem(await t.api('POST', '/api/v1/integrations', valid({ name: 'unauthenticated' }), token, headers), 401, code);
      expectProblem(await t.api('GET', '/api/v1/integrations', undefined, token, headers), 401, code);
      expectProblem(await t.api('PATCH', `/api/v1/integrations/${existing.id}`, { enabled: false }, token, headers), 401, code);
      expectProblem(await t.api('DELETE', `/api/v1/integrations/${existing.id}`, undefined, token, headers), 401, code);
      expectProblem(await t.api('POST', '/api/v1/organizations', { name: 'sneaky' }, token, headers), 401, code);
    }
    expect(await count()).toBe(before);
    expect((await current()).enabled).toBe(true);
    expect((await t.api('GET', '/api/v1/organizations')).body.organizations.map((o: { name: string }) => o.name)).toEqual(['default']);
  });

  it('refuses a bad ownership field name in the path, leaving the rules unchanged', async () => {
    const rules = async () => (await t.api('GET', `/api/v1/integrations/${existing.id}/ownership`)).body.rules;
    const before = await rules();
    for (const field of ['Priority', '1st', 'has-dash', 'x'.repeat(65), 'a%20b', '%00', '_lead']) {
      expectProblem(await t.api('PATCH', `/api/v1/integrations/${existing.id}/ownership/${field}`, { owner: 'platform' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['field']);
      expectProblem(await t.api('DELETE', `/api/v1/integrations/${existing.id}/ownership/${field}`), 400, 'HUB_ERR_VALIDATION_FAILED', ['field']);
    }
    expectProblem(await t.api('PATCH', `/api/v1/integrations/${existing.id}/ownership/status`, { owner: 'platform', priority: -1 }), 400, 'HUB_ERR_VALIDATION_FAILED', ['priority']);
    expectProblem(await t.api('PATCH', `/api/v1/integrations/${existing.id}/ownership/status`, { owner: 'platform', extra: 1 }), 400, 'HUB_ERR_VALIDATION_FAILED', ['extra']);
    expectProblem(
      await t.api('PUT', `/api/v1/integrations/${existing.id}/ownership`, { rules: [{ field: 'Bad Name', owner: 'platform' }] }),
      400,
      'HUB_ERR_VALIDATION_FAILED',
      ['rules.0.field'],
    );
    expectProblem(await t.api('PUT', `/api/v1/integrations/${existing.id}/ownership`, { rules: 'all' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['rules']);
    expect(await rules()).toEqual(before);
  });

  it('refuses unknown or malformed query parameters, and stores nothing', async () => {
    expectProblem(await t.api('GET', '/api/v1/integrations?bogus=1'), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expectProblem(await t.api('GET', `/api/v1/integrations/${existing.id}?bogus=1`), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expectProblem(await t.api('GET', `/api/v1/integrations/${existing.id}/ownership?bogus=1`), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expectProblem(await t.api('GET', '/api/v1/integrations?type=a&type=b'), 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
    expectProblem(await t.api('GET', '/api/v1/integrations?organization_id='), 400, 'HUB_ERR_VALIDATION_FAILED', ['organization_id']);
    expectProblem(await t.api('GET', '/api/v1/integrations?organization_id=no-such-org'), 404, 'HUB_ERR_NOT_FOUND');
    const before = await count();
    expectProblem(await t.api('POST', '/api/v1/integrations?bogus=1', valid({ name: 'with-query' })), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expectProblem(await t.api('DELETE', `/api/v1/integrations/${existing.id}?bogus=1`), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expect(await count()).toBe(before);
    const beforePatch = await current();
    expectProblem(await t.api('PATCH', `/api/v1/integrations/${existing.id}?bogus=1`, { enabled: false }), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expect(await current()).toEqual(beforePatch);
    // Routes that take no query parameters refuse them as well, instead of ignoring them.
    const orgs = async () => (await t.api('GET', '/api/v1/organizations')).body.organizations.length;
    const orgsBefore = await orgs();
    expectProblem(await t.api('POST', '/api/v1/organizations?bogus=1', { name: 'query-org' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expectProblem(await t.api('GET', '/api/v1/organizations?bogus=1'), 400, 'HUB_ERR_VALIDATION_FAILED', ['bogus']);
    expect(await orgs()).toBe(orgsBefore);
  });

  it('refuses a body it cannot decode as its Content-Encoding says with a 400 (an unknown encoding with a 415), and stores nothing', async () => {
    const post = async (encoding: string, body: Buffer) => {
      const before = await count();
      const res = await fetch(t.hub.url + '/api/v1/integrations', {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      });
      const parsed = { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
      expect(await count()).toBe(before);
      return parsed;
    };
    const json = Buffer.from(JSON.stringify(valid({ name: 'compressed-ok' })));
    for (const [encoding, body] of [['gzip', json], ['deflate', json], ['br', json], ['gzip', zlib.gzipSync(json).subarray(0, 20)]] as const) {
      expectProblem(await post(encoding, body), 400, 'HUB_ERR_REQUEST_UNDECODABLE_BODY', ['Content-Encoding']);
    }
    expectProblem(await post('compress', json), 415, 'HUB_ERR_REQUEST_UNSUPPORTED_MEDIA', ['Content-Encoding']);
    // Well-formed compressed bodies are accepted.
    const ok = await fetch(t.hub.url + '/api/v1/integrations', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(json),
    });
    expect(ok.status).toBe(201);
    expect((await t.api('DELETE', '/api/v1/integrations/compressed-ok')).status).toBe(204);
  });

  it('refuses the NUL character (which PostgreSQL cannot store) with a 400 naming the field, not a 500', async () => {
    await refusedCreate(valid({ base_url: 'https://example.invalid/a\u0000b' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['base_url']);
    await refusedCreate(valid({ settings: { encoded_query: 'active=true\u0000' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.encoded_query']);
    await refusedCreate(valid({ settings: { ['k\u0000']: 1 } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.k\u0000']);
    await refusedCreate(valid({ credentials: { username: 'u\u0000', password: 'p' } }), 400, 'HUB_ERR_VALIDATION_FAILED', ['credentials.username']);
    await refusedPatch({ base_url: 'https://example.invalid/\u0000' }, 400, 'HUB_ERR_VALIDATION_FAILED', ['base_url']);
    await refusedPatch({ settings: { encoded_query: '\u0000' } }, 400, 'HUB_ERR_VALIDATION_FAILED', ['settings.encoded_query']);
    expectProblem(await t.api('GET', '/api/v1/integrations/a%00b'), 400, 'HUB_ERR_VALIDATION_FAILED', ['id']);
    expectProblem(await t.api('GET', '/api/v1/integrations?organization_id=%00'), 400, 'HUB_ERR_VALIDATION_FAILED', ['organization_id']);
    expectProblem(await t.api('GET', '/api/v1/integrations?type=%00'), 400, 'HUB_ERR_VALIDATION_FAILED', ['type']);
    expectProblem(await t.api('DELETE', '/api/v1/integrations/%00'), 400, 'HUB_ERR_VALIDATION_FAILED', ['id']);
    expectProblem(await t.api('POST', '/api/v1/organizations', { name: 'a\u0000' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['name']);
    expectProblem(await t.api('DELETE', '/api/v1/tokens/%00'), 400, 'HUB_ERR_VALIDATION_FAILED', ['id']);
    const orgId = (await t.api('GET', '/api/v1/organizations')).body.organizations[0].id;
    const tokensBefore = (await t.api('GET', `/api/v1/organizations/${orgId}/tokens`)).body.tokens.length;
    expectProblem(await t.api('POST', `/api/v1/organizations/${orgId}/tokens`, { name: 'ci\u0000', role: 'member' }), 400, 'HUB_ERR_VALIDATION_FAILED', ['name']);
    expect((await t.api('GET', `/api/v1/organizations/${orgId}/tokens`)).body.tokens).toHaveLength(tokensBefore);
  });

  it('survives ~200 random JSON-ish bodies on create, patch and ownership without a 5xx', async () => {
    const rand = mulberry32(0x1badc0de);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const keys = [
      'name', 'type', 'base_url', 'credentials', 'settings', 'direction', 'enabled', 'conflict_strategy', 'rate_limit_per_minute',
      'webhook_secret', 'organization_id', 'rules', 'field', 'owner', 'priority', 'username', 'password', 'client_id', 'client_secret',
      'incident_table', 'encoded_query', 'api_version', '__proto__', 'constructor', 'toString', '', ' ', 'a.b', 'ключ', '\u0000',
    ] as const;
    const strings = [
      '', ' ', 'x', 'servicenow', 'jira', 'SERVICENOW', 'https://example.invalid', 'http://[::1]:1', 'ftp://x', 'javascript:1',
      'bidirectional', 'inbound', 'outbound', 'last-write-wins', 'platform', 'external', 'incident', 'v2', 'null', 'true', '1e9',
      '\u0000', 'a\u0000b', 'https://example.invalid/\u0000', '\ud800', '😀'.repeat(30), '<script>', "'; drop table organizations; --",
      '../../etc/passwd', '%00', 'x'.repeat(3000), 'existing-snow', 'default',
    ];
    const numbers = [0, -0, 1, -1, 1.5, 59, 1e6, 1e6 + 1, 2 ** 31, 2 ** 53 + 2, -1e308, 1e308, Number.MIN_VALUE];
    const value = (depth: number): unknown => {
      const r = rand();
      if (r < 0.1) return null;
      if (r < 0.2) return rand() < 0.5;
      if (r < 0.35) return pick(numbers);
      if (r < 0.6) return pick(strings);
      if (r < 0.65) return Array.from({ length: 1 + Math.floor(rand() * 40) }, () => String.fromCharCode(Math.floor(rand() * 0xd7ff))).join('');
      if (depth <= 0) return pick(strings);
      if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth - 1));
      return object(depth - 1);
    };
    const object = (depth: number): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      const n = Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) Object.defineProperty(o, pick(keys), { value: value(depth), enumerable: true, configurable: true, writable: true });
      return o;
    };
    /** Mostly a valid body with one or two parts replaced, so the fuzz reaches past the first check. */
    const mutated = (base: Record<string, unknown>) => {
      const o: Record<string, unknown> = { ...base };
      const n = 1 + Math.floor(rand() * 2);
      for (let i = 0; i < n; i++) {
        const key = pick(keys);
        if (rand() < 0.2) delete o[key];
        else Object.defineProperty(o, key, { value: value(2), enumerable: true, configurable: true, writable: true });
      }
      return o;
    };
    const body = (base: Record<string, unknown>): unknown => {
      const r = rand();
      if (r < 0.5) return mutated(base);
      if (r < 0.8) return object(3);
      if (r < 0.9) return value(3);
      // A raw string: truncated or spliced JSON.
      const text = JSON.stringify(mutated(base));
      return rand() < 0.5 ? text.slice(0, Math.floor(rand() * text.length)) : text.replace(/[:,]/, pick(['', '::', ',,', '}', ']']));
    };
    const uri = (v: unknown) => {
      try {
        return encodeURIComponent(String(v).slice(0, 80));
      } catch {
        return '%EF%BF%BD'; // a lone surrogate cannot be encoded; send U+FFFD instead
      }
    };
    const encode = (b: unknown) => (typeof b === 'string' && rand() < 0.5 ? b : JSON.stringify(b) ?? 'undefined');

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const record = (what: string, sent: string, res: { status: number; body: any; type: string }) => {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${what} ${sent.slice(0, 300)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      else if (res.status >= 400) {
        if (!res.type.includes('application/problem+json') || !/^HUB_ERR_/.test(res.body?.code ?? '')) {
          failures.push(`${what} ${sent.slice(0, 300)} -> ${res.status} without a problem body`);
        }
      }
    };
    const baseCreate = (i: number) => valid({ name: `fuzz-${i}` });
    const basePatch = { enabled: true, rate_limit_per_minute: 30, credentials: { password: 'p2' }, settings: { incident_table: 'incident' } };
    const baseRules = { rules: [{ field: 'priority', owner: 'platform', priority: 2 }] };
    for (let i = 0; i < 200; i++) {
      const sent = encode(body(baseCreate(i)));
      record('POST', sent, await t.api('POST', '/api/v1/integrations', sent));
      const patch = encode(body(basePatch));
      record('PATCH', patch, await t.api('PATCH', `/api/v1/integrations/${existing.id}`, patch));
      const rules = encode(body(baseRules));
      record('PUT ownership', rules, await t.api('PUT', `/api/v1/integrations/${existing.id}/ownership`, rules));
      if (i % 10 === 0) {
        const field = uri(pick(strings));
        const ownership = encode(body({ owner: 'platform', priority: 1 }));
        if (field) record('PATCH ownership field', `${field} ${ownership}`, await t.api('PATCH', `/api/v1/integrations/${existing.id}/ownership/${field}`, ownership));
        const ref = uri(pick(strings));
        if (ref) record('GET by ref', ref, await t.api('GET', `/api/v1/integrations/${ref}`));
        record('GET org query', ref, await t.api('GET', `/api/v1/integrations?organization_id=${ref}&type=${ref}`));
      }
    }
    expect(failures).toEqual([]);
    // The existing integration is still there and readable after the storm.
    expect((await t.api('GET', `/api/v1/integrations/${existing.id}`)).status).toBe(200);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  });
});

/** A small seeded PRNG, so the fuzz run is the same every time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** POSTs a streamed body with no Content-Length, so the hub sees a chunked request. */
function postChunked(hubUrl: string, body: ReadableStream<Uint8Array>): Promise<Response> {
  return fetch(hubUrl + '/api/v1/integrations', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
}
