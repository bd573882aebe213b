import fc from 'fast-check';
import zlib from 'node:zlib';
import { Client } from 'pg';
import { startEmulator, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';

/**
 * Property-based fuzzing of every route of the OpenAPI document: random and mutated bodies, path
 * and query parameters and headers. No request may answer 5xx, and a refused one (4xx) must not
 * change anything stored. CI runs a fixed seed and a bounded number of runs per route;
 * `npm run fuzz` runs longer (FUZZ_RUNS, FUZZ_SEED).
 */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** Tables a refused request must leave alone: everything but logs of what was asked. */
const STATE_TABLES_QUERY = `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'integration_sync_log') ORDER BY tablename`;

type Operation = { method: string; path: string; parameters: Array<{ name: string; in: string }>; hasBody: boolean };

describe('fuzzing every API route', () => {
  let t: TestHub;
  let snow: ServiceNowEmulatorHandle;
  let db: Client;
  let operations: Operation[];
  let tables: string[];
  let known: { integrationId: string; integrationName: string; incidentId: string; organizationId: string };

  beforeAll(async () => {
    // Sync off: nothing in the background changes stored state between two fingerprints.
    [t, snow] = await Promise.all([startTestHub({ sync: { enabled: false } }), startEmulator()]);
    const integration = await t.api('POST', '/api/v1/integrations', { ...(validBodies['/api/v1/integrations'].post as Record<string, unknown>), base_url: snow.url, credentials: { username: 'admin', password: 'admin' } });
    const incident = await t.api('POST', '/api/v1/incidents', validBodies['/api/v1/incidents'].post);
    const me = await t.api('GET', '/api/v1/organizations');
    known = { integrationId: integration.body.id, integrationName: integration.body.name, incidentId: incident.body.id, organizationId: me.body.organizations?.[0]?.id ?? '' };
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: unknown }>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], hasBody: op.requestBody !== undefined })));
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    tables = (await db.query(STATE_TABLES_QUERY)).rows.map((r: { tablename: string }) => r.tablename);
  });
  afterAll(async () => {
    await db?.end();
    await snow?.close();
    await t?.stop();
  });

  /** An order-independent digest of every stored row. */
  const fingerprint = async (): Promise<string> => {
    const parts = tables.map((table) => `(SELECT COALESCE(md5(string_agg(md5(r::text), ',' ORDER BY md5(r::text))), '') FROM "${table}" r)`);
    const { rows } = await db.query(`SELECT md5(concat_ws('|', ${parts.join(', ')})) AS digest`);
    return rows[0].digest;
  };

  /** What is wrong with the answer to a request, or undefined. */
  const statuses = new Map<number, number>();
  const check = async (req: FuzzRequest): Promise<string | undefined> => {
    const before = await fingerprint();
    const res = await send(t.hub.url, req);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) return `${res.status}: ${res.text.slice(0, 200)}`;
    if (res.status >= 400 && (await fingerprint()) !== before) return `${res.status}, but stored state changed: ${res.text.slice(0, 200)}`;
    return undefined;
  };

  it('covers every route of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map((op) => `${op.method} ${op.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/integrations', 'POST /api/v1/webhooks/{integration_id}', 'GET /readyz']));
  });

  it('answers every fuzzed request below 500, and a refused one stores nothing', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const request = requestArbitrary(op, known);
      await fc.assert(
        fc.asyncProperty(request, async (req) => {
          const problem = await check(req).catch((err: Error) => `the request could not be made: ${err.message}`);
          if (problem) failures.push(`${req.method} ${req.url} (${JSON.stringify(req.headers)}) -> ${problem}`);
          return problem === undefined;
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
      // Each failing route is recorded in `failures`; the other routes still run.
      ).catch(() => undefined);
    }
    expect(failures).toEqual([]);
    // Every run was sent, and they reached both the handlers and the refusals.
    const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(sent).toBe(operations.length * RUNS_PER_ROUTE);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 201, 400, 401, 404]));
  });
});

/** Known-good bodies, mutated by the fuzzer, so requests reach validation past the outer shape. */
const validBodies: Record<string, Record<string, unknown>> = {
  '/api/v1/integrations': {
    post: { name: 'fuzz-snow', type: 'servicenow', base_url: 'http://127.0.0.1:9', credentials: { username: 'u', password: 'p' }, direction: 'bidirectional', webhook_secret: 'fuzz-webhook-secret-0123456789' },
  },
  '/api/v1/integrations/{id}': { patch: { enabled: false, settings: { incident_table: 'incident' } } },
  '/api/v1/incidents': { post: { title: 'Fuzzed incident', priority: 'P3', status: 'new' } },
  '/api/v1/incidents/{id}': { patch: { title: 'Renamed', status: 'in_progress' } },
  '/api/v1/incidents/{id}/comments': { post: { body: 'A comment' } },
  '/api/v1/incidents/{id}/links': { post: { integration: 'fuzz-snow', external_id: '9d385017c611228701d22104cc95c371' } },
  '/api/v1/organizations': { post: { name: 'fuzz-org' } },
  '/api/v1/organizations/{id}/tokens': { post: { name: 'fuzz-token', role: 'member' } },
  '/api/v1/integrations/{id}/ownership': { put: { rules: [{ field: 'priority', owner: 'platform', priority: 1 }] } },
  '/api/v1/integrations/{id}/ownership/{field}': { patch: { owner: 'external', priority: 2 } },
  '/api/v1/integrations/{id}/mappings': { put: { mappings: [{ field: 'title', external_field: 'short_description', direction: 'bidirectional' }] } },
  '/api/v1/conflicts/{id}/resolve': { post: { use: 'platform' } },
};

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '%00', '\u0000', "' OR 1=1 --", '-1', '0', '99999999999999999999', 'null', '{}', 'a'.repeat(300)),
);

function pathValue(name: string, known: { integrationId: string; integrationName: string; incidentId: string; organizationId: string }) {
  const real: Record<string, string[]> = {
    id: [known.integrationId, known.integrationName, known.incidentId, known.organizationId],
    integration_id: [known.integrationId],
    field: ['priority', 'title'],
    entry: ['1'],
  };
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(real[name] ?? ['x'])) }, { weight: 2, arbitrary: weirdString });
}

function mutatedBody(valid: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const random = fc.jsonValue({ maxDepth: 3 });
  if (!valid) return fc.oneof(random, fc.constant({}));
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.constant(valid),
    random,
    // One key dropped, one replaced by anything, or one added.
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.tuple(fc.constantFrom(...keys), random).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fc.string({ maxLength: 12 }), random).map(([key, value]) => ({ ...valid, [key]: value })),
  );
}

function encodedBody(body: unknown): fc.Arbitrary<{ bytes: Buffer; encoding?: string; contentType: string }> {
  const text = JSON.stringify(body) ?? 'null';
  const raw = Buffer.from(text);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ bytes: raw, contentType: 'application/json' }) },
    fc.constant({ bytes: zlib.gzipSync(raw), encoding: 'gzip', contentType: 'application/json' }),
    fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, br').map((encoding) => ({ bytes: raw, encoding, contentType: 'application/json' })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'application/json; charset=latin1').map((contentType) => ({ bytes: raw, contentType })),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes: Buffer.from(bytes), contentType: 'application/json' })),
    fc.constant({ bytes: Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2)))), contentType: 'application/json' }),
  );
}

function requestArbitrary(op: Operation, known: Parameters<typeof pathValue>[1]): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const path = fc.tuple(...pathParams.map((p) => pathValue(p.name, known))).map((values) =>
    pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, encodeURIComponent(values[i] as string)), op.path));
  const query = fc.dictionary(fc.oneof(fc.constantFrom(...(queryParams.length > 0 ? queryParams : ['x'])), fc.string({ maxLength: 8 })), weirdString, { maxKeys: 3 });
  const token = fc.oneof({ weight: 8, arbitrary: fc.constant(`Bearer ${ADMIN_TOKEN}`) }, fc.constantFrom('', 'Bearer ', 'Bearer ihub_nope', 'Basic YTpi'));
  const body = op.hasBody || op.method !== 'GET' ? mutatedBody(validBodies[op.path]?.[op.method.toLowerCase()] as Record<string, unknown> | undefined).chain(encodedBody) : fc.constant(undefined);
  return fc.record({ path, query, token, body }).map(({ path: p, query: q, token: auth, body: b }) => {
    const search = new URLSearchParams(q as Record<string, string>).toString();
    const headers: Record<string, string> = auth ? { Authorization: auth } : {};
    if (b) {
      headers['Content-Type'] = b.contentType;
      if (b.encoding) headers['Content-Encoding'] = b.encoding;
    }
    return { method: op.method, url: `${p}${search ? `?${search}` : ''}`, headers, body: b?.bytes };
  });
}

async function send(base: string, req: FuzzRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(base + req.url, { method: req.method, headers: req.headers, body: req.body });
  return { status: res.status, text: await res.text() };
}
