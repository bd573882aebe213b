/**
 * Adapter conformance kit: one Jest suite that checks an adapter against its own emulator,
 * through the adapter SPI only (plus the emulator control API of `EmulatorApp`).
 *
 * The checks run per kind of record the manifest declares (`capabilities`). The kit knows how to
 * exercise incidents; a declared kind it has no checks for yet fails the suite with a message
 * saying so instead of passing unchecked. What it checks, for incidents:
 * 1. `testConnection` passes with good credentials and fails a check with wrong ones;
 * 2. create → read → update (only the changed fields) → read through the adapter's default
 *    mappings, with `desiredExternal`/`canonicalFrom`: values map out and back, and every canonical
 *    status survives the round trip up to the value map's lossiness;
 * 3. listings: every record across page boundaries, and no record missed by an incremental listing
 *    when several change within one second (the emulator clock is frozen to make that happen); a
 *    scan (`scope: 'all'`, capability `scan`) lists every record in scope, however old, once;
 * 4. a written comment reads back under the returned `commentId`;
 * 5. emulator webhooks verify, parse into events naming the record, and a tampered body or a wrong
 *    secret is refused with `HUB_ERR_WEBHOOK_INVALID_SIGNATURE`;
 * 6. error classification of injected 503, 429 with Retry-After, a permanent 4xx, and of the
 *    emulator's per-minute rate limit;
 * 7. an ambiguous create (response lost) fails transiently and leaves exactly one record, which
 *    `find({ correlationId })` returns.
 * Checks whose operations the manifest does not declare on the kind
 * (`capabilities.incident.operations`) are skipped; the connection test runs for every adapter.
 *
 * A third-party adapter package adds `@itsm-hub/core` (and Jest) as dev dependencies, builds its
 * emulator on core's `EmulatorApp`, and calls the kit from one spec file:
 *
 * ```ts
 * import { describeAdapterConformance } from '@itsm-hub/core/testing';
 * import plugin from './index';
 * import { startEmulator } from './emulator';
 *
 * describeAdapterConformance({
 *   plugin,
 *   start: async (now) => ({ ...(await startEmulator({ now })), settings: {} }),
 *   createValues: { title: 'Checkout is down', status: 'new', priority: 'P2' },
 *   updateValues: { status: 'in_progress', priority: 'P3' },
 *   paths: { create: '/api/incidents', record: (id) => `/api/incidents/${id}` },
 * });
 * ```
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Adapter } from '../../contracts/Adapter';
import type { AdapterPlugin } from '../../contracts/AdapterPlugin';
import { declaredKinds, supports, type Operation } from '../../contracts/AdapterManifest';
import type { ExternalRecord } from '../../contracts/ExternalRecord';
import type { FieldMapping } from '../../contracts/FieldMapping';
import { INCIDENT_STATUSES } from '../../contracts/Incident';
import type { RecordKind } from '../../contracts/RecordKind';
import type { WriteOperation, WriteResult } from '../../contracts/WriteOperation';
import type { EmulatorApp } from '../../emulator/EmulatorApp';
import { canonicalFrom, changedExternal, desiredExternal, sendsOut, takesIn, type ExternalValues } from '../../mapping/FieldMapper';
import type { IncidentValues } from '../../records/incidentSchemas';
import { createTestAdapterContext } from '../createTestAdapterContext';
import { WebhookReceiver } from './WebhookReceiver';

/** A running emulator as `start` returns it. */
export interface ConformanceEmulator<Credentials extends object = Record<string, unknown>, Settings extends object = Record<string, unknown>> {
  /** Base URL the adapter is configured with. */
  url: string;
  /** The emulator, for faults, webhook subscriptions, the request log and `reset()`. */
  emulator: EmulatorApp;
  /** Credentials the emulator accepts. */
  credentials: Credentials;
  /** Integration settings the adapter needs to create and update incidents (a service id, a From email). */
  settings: Settings;
  /** Webhook secret to subscribe and verify with, when the platform fixes it; a generated one otherwise. */
  webhookSecret?: string;
  close(): Promise<void>;
}

/** Options of {@link describeAdapterConformance}. */
export interface AdapterConformanceOptions<Credentials extends object = Record<string, unknown>, Settings extends object = Record<string, unknown>> {
  /** The adapter package's default export. */
  plugin: AdapterPlugin;
  /**
   * Starts the emulator once for the suite. `now` is the suite's clock in epoch milliseconds: pass it
   * to the emulator so that its timestamps, token expiry and rate-limit window follow the suite.
   */
  start(now: () => number): Promise<ConformanceEmulator<Credentials, Settings>>;
  /** Credentials the emulator must refuse; by default every string value of the good ones is altered. */
  wrongCredentials?(credentials: Credentials): Credentials;
  /**
   * Canonical values of the incident the suite creates. They should set every field the default
   * mappings carry both ways, with values the emulator knows (user emails, group names).
   */
  createValues: Partial<IncidentValues> & { title: string };
  /** Canonical values the suite then changes; at least one must map to a different platform value. */
  updateValues: Partial<IncidentValues>;
  /**
   * Request paths of the platform API, for faults aimed at one call: `create` is the path incidents
   * are created on (POST), `record(id)` the path prefix of one incident, under which a comment is a
   * single request (its per-minute rate limit is checked there). Where comments are not nested
   * under the incident (Halo's `/api/Actions`), `record` returns the comment path.
   */
  paths: { create: string; record(id: string): string };
  /**
   * How the platform authenticates webhooks: `signature` (default) signs the body, so a tampered
   * body must be refused; `shared-secret` (Halo's Basic authentication) only proves the sender
   * knows the secret, so only a wrong secret is checked.
   */
  webhookAuth?: 'signature' | 'shared-secret';
}

type Write = Extract<WriteResult, { ok: true }>;

/** Fixed start of the suite's clock, so runs repeat; the suite only ever moves it forward. */
const START = Date.parse('2026-03-02T09:00:00Z');
/** Guard against a `nextPage` that never ends, which would otherwise hang the suite. */
const MAX_PAGES = 100;
const DEFAULT_WEBHOOK_SECRET = 'conformance-webhook-secret';
const RATE_LIMIT = 3;
const RETRY_AFTER_SECONDS = 7;

/**
 * Registers the conformance suite of `options.plugin` against its emulator. Call it at the top level
 * of a spec file; see the module comment for what it checks.
 */
export function describeAdapterConformance<Credentials extends object, Settings extends object>(
  options: AdapterConformanceOptions<Credentials, Settings>,
): void {
  const { plugin, createValues, updateValues, paths } = options;
  /** True when the manifest declares every one of `needed` on `kind`. */
  const declares = (kind: RecordKind, ...needed: Operation[]) => needed.every((operation) => supports(plugin.manifest, kind, operation));
  /** The kinds the kit has checks for; a Map so that a kind named like an Object member is not found by accident. */
  const kindChecks = new Map<RecordKind, () => void>([['incident', describeIncidentChecks]]);

  let nowMs = START;
  let running: ConformanceEmulator<Credentials, Settings>;
  let adapter: Adapter;
  let mappings: FieldMapping[];
  let sequence = 0;
  const receiver = new WebhookReceiver();

  const tick = (ms: number) => {
    nowMs += ms;
  };
  const nextCorrelationId = () => `conformance-${START}-${++sequence}`;

  function build(overrides: { credentials?: Credentials; webhookSecret?: string } = {}): Adapter {
    return plugin.create(
      createTestAdapterContext({
        baseUrl: running.url,
        credentials: overrides.credentials ?? running.credentials,
        settings: running.settings,
        webhookSecret: overrides.webhookSecret ?? running.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
        clock: { now: () => new Date(nowMs) },
      }),
    );
  }

  async function writeOne(op: WriteOperation): Promise<WriteResult> {
    const results = await adapter.write!([op]);
    expect(results).toHaveLength(1);
    return results[0];
  }

  function succeeded(result: WriteResult): Write {
    if (!result.ok) throw new Error(`write failed: ${result.vendorMessage} (${JSON.stringify(result.error)})`);
    return result;
  }

  /** Creates the sample incident; the record comes back on the result because the hub keeps it as the link's base. */
  async function create() {
    const correlationId = nextCorrelationId();
    const fields = desiredExternal(createValues, mappings);
    const result = succeeded(await writeOne({ op: 'create', kind: 'incident', correlationId, fields }));
    expect(result.record).toBeDefined();
    return { record: result.record!, fields, correlationId };
  }

  async function read(id: string): Promise<ExternalRecord> {
    const record = await adapter.read!('incident', id);
    if (!record) throw new Error(`incident ${id} could not be read back`);
    return record;
  }

  /**
   * The record holds what was written: the platform fields mapped both ways and written with a
   * value read back unchanged, and the canonical values they map back to map out to the same
   * platform values (lossy value maps may return another canonical value, never another platform
   * value). Fields written empty are not compared: platforms fill some (defaults, data policies
   * such as resolution notes on resolve). `only` limits the comparison to some canonical fields.
   */
  function expectHolds(record: ExternalRecord, written: ExternalValues, canonical: Partial<IncidentValues>, only?: readonly string[]): void {
    const compared = only ? mappings.filter((m) => only.includes(m.field)) : mappings;
    const both = compared.filter((m) => sendsOut(m) && takesIn(m) && written[m.externalField]);
    expect(pick(record.fields, both)).toEqual(pick(written, both));
    const inbound = new Set(compared.filter(takesIn).map((m) => m.field));
    const roundTripped = compared.filter((m) => inbound.has(m.field) && m.field in canonical);
    const back = canonicalFrom(record.fields, mappings);
    expect(desiredExternal(back, roundTripped)).toEqual(desiredExternal(canonical, roundTripped));
  }

  async function listAll(query: { cursor?: string; pageSize?: number; scope?: 'changes' | 'all' } = {}) {
    const records: ExternalRecord[] = [];
    let page: string | undefined;
    for (let pages = 1; pages <= MAX_PAGES; pages++) {
      const result = await adapter.list!({ kind: 'incident', cursor: query.cursor, page, pageSize: query.pageSize, ...(query.scope ? { scope: query.scope } : {}) });
      records.push(...result.records);
      if (!result.nextPage) return { records, ids: new Set(records.map((r) => r.id)), cursor: result.cursor, pages, total: result.total };
      page = result.nextPage;
    }
    throw new Error(`the listing still had a next page after ${MAX_PAGES} pages`);
  }

  describe(`${plugin.manifest.displayName} adapter conformance`, () => {
    beforeAll(async () => {
      running = await options.start(() => nowMs);
    });
    afterAll(async () => {
      await receiver.close();
      await running?.close();
    });
    beforeEach(() => {
      running.emulator.reset();
      // A minute apart: each test gets its own seconds and a fresh rate-limit window.
      tick(60_000);
      adapter = build();
    });

    describe('connection test', () => {
      it('passes every check with good credentials', async () => {
        const checks = await adapter.testConnection();
        expect(checks.length).toBeGreaterThan(0);
        expect(checks.filter((c) => !c.passed)).toEqual([]);
      });

      it('fails a check with wrong credentials', async () => {
        const wrong = options.wrongCredentials?.(running.credentials) ?? garbled(running.credentials);
        const checks = await build({ credentials: wrong }).testConnection();
        expect(checks.some((c) => !c.passed)).toBe(true);
      });
    });

    describe('undeclared kinds', () => {
      it('refuses a read, lookup, listing or write about a kind it does not declare, with the typed error, never an empty answer', async () => {
        const kind = 'no_such_kind';
        const refused = { code: 'HUB_ERR_ADAPTER_KIND_UNSUPPORTED' };
        if (adapter.read) await expect(adapter.read(kind, 'x')).rejects.toMatchObject(refused);
        if (adapter.find) await expect(adapter.find({ kind, correlationId: 'x' })).rejects.toMatchObject(refused);
        if (adapter.list) await expect(adapter.list({ kind })).rejects.toMatchObject(refused);
        if (adapter.write) expect(await adapter.write([{ op: 'create', kind, correlationId: 'x', fields: {} }])).toEqual([expect.objectContaining({ ok: false, error: expect.objectContaining({ action: 'fail', kind: 'config' }) })]);
      });
    });

    const kinds = declaredKinds(plugin.manifest);
    if (kinds.length === 0) {
      it('declares at least one kind of record', () => {
        throw new Error(`adapter '${plugin.manifest.type}' declares no kind of record in manifest.capabilities: there is nothing to check`);
      });
    }
    for (const kind of kinds) {
      const checks = kindChecks.get(kind);
      if (checks) {
        describe(kind, checks);
        continue;
      }
      describe(kind, () => {
        it('has conformance checks for the kind', () => {
          throw new Error(
            `the conformance kit has no checks for kind '${kind}' yet (it checks: ${[...kindChecks.keys()].join(', ')}); ` +
              `'${plugin.manifest.type}' declares it in manifest.capabilities, so it cannot be reported conformant`,
          );
        });
      });
    }
  });

  /** The incident checks (canonical incident statuses and mappings), registered under `describe('incident')`. */
  function describeIncidentChecks(): void {
    const when = (...needed: Operation[]) => (declares('incident', ...needed) ? it : it.skip);

    beforeAll(() => {
      mappings = build().defaultMappings?.('incident') ?? plugin.manifest.defaultMappings.incident ?? [];
    });

    describe('mapping round trip', () => {
      it('has default incident mappings', () => {
        expect(mappings.length).toBeGreaterThan(0);
      });

      when('create', 'read', 'update')('creates, reads, updates only the changed fields and reads back', async () => {
        const created = await create();
        expect(created.record.correlationId).toBe(created.correlationId);
        expectHolds(await read(created.record.id), created.fields, createValues);

        tick(1_000);
        const canonical = { ...createValues, ...updateValues };
        const desired = desiredExternal(canonical, mappings);
        const changed = changedExternal(desired, created.fields);
        expect(Object.keys(changed).length).toBeGreaterThan(0);
        const updated = succeeded(await writeOne({ op: 'update', kind: 'incident', id: created.record.id, fields: changed }));
        if (updated.record) expect(updated.record.id).toBe(created.record.id);
        // Fields left out of the update must keep their values: the read-back compares all of them.
        expectHolds(await read(created.record.id), desired, canonical);
      });

      when('create', 'read', 'update')('round-trips every canonical status', async () => {
        for (const status of INCIDENT_STATUSES) {
          tick(1_000);
          const created = await create();
          const canonical = { ...createValues, status };
          const desired = desiredExternal(canonical, mappings);
          const changed = changedExternal(desired, created.fields);
          if (Object.keys(changed).length > 0) succeeded(await writeOne({ op: 'update', kind: 'incident', id: created.record.id, fields: changed }));
          // Status only: platforms change other fields on some transitions (PagerDuty unassigns on resolve).
          expectHolds(await read(created.record.id), desired, canonical, ['status']);
        }
      });
    });

    describe('listing', () => {
      when('create', 'list')('returns every record across page boundaries', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await create()).record.id);
        tick(1_000);
        const listing = await listAll({ pageSize: 2 });
        expect(listing.pages).toBeGreaterThan(1);
        expect([...listing.ids]).toEqual(expect.arrayContaining(ids));
      });

      when('create', 'list', 'scan')('scans every record in scope however old, across page boundaries, each once, with the total where the platform gives one', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await create()).record.id);
        // Older than any incremental listing reaches back by default (PagerDuty's: 30 days).
        tick(90 * 86_400_000);
        const scan = await listAll({ pageSize: 2, scope: 'all' });
        expect(scan.pages).toBeGreaterThan(1);
        expect([...scan.ids]).toEqual(expect.arrayContaining(ids));
        expect(scan.records).toHaveLength(scan.ids.size);
        if (scan.total !== undefined) expect(scan.total).toBe(scan.ids.size);
      });

      when('create', 'update', 'list')('misses no record updated within one second after a cursor', async () => {
        const [first, second, third] = [await create(), await create(), await create()];
        tick(1_000);
        const before = await listAll({ pageSize: 2 });
        expect(before.cursor).toBeDefined();

        tick(5_000);
        const update = (created: { record: ExternalRecord; fields: ExternalValues }, title: string) =>
          writeOne({ op: 'update', kind: 'incident', id: created.record.id, fields: changedExternal(desiredExternal({ ...createValues, title }, mappings), created.fields) });
        // Same `now`: both changes land in the same second.
        succeeded(await update(first, `${createValues.title} (first)`));
        succeeded(await update(second, `${createValues.title} (second)`));
        tick(1_000);
        const after = await listAll({ cursor: before.cursor, pageSize: 1 });
        expect([...after.ids]).toEqual(expect.arrayContaining([first.record.id, second.record.id]));

        // The next cursor may be taken in the middle of a second: a change later in that second is not missed.
        tick(5_000);
        succeeded(await update(first, `${createValues.title} (first, again)`));
        const middle = await listAll({ cursor: after.cursor, pageSize: 1 });
        succeeded(await update(third, `${createValues.title} (third)`));
        tick(1_000);
        const last = await listAll({ cursor: middle.cursor, pageSize: 1 });
        expect([...last.ids]).toContain(third.record.id);
        expect([...middle.ids, ...last.ids]).toContain(first.record.id);
      });
    });

    describe('comments', () => {
      when('create', 'comment', 'read')('reads a written comment back under the returned commentId', async () => {
        const { record, correlationId } = await create();
        tick(1_000);
        const body = 'Conformance comment: the checkout service was restarted.';
        const result = succeeded(await writeOne({ op: 'comment', kind: 'incident', id: record.id, correlationId, body, visibility: 'public' }));
        expect(result.commentId).toBeDefined();
        const comments = (await read(record.id)).comments ?? [];
        expect(comments.find((c) => c.id === result.commentId)?.body.trim()).toBe(body);
      });
    });

    describe('webhooks', () => {
      let receiverUrl: string;
      beforeAll(async () => {
        receiverUrl = await receiver.start();
      });

      async function delivered(): Promise<{ id: string; request: (typeof receiver.deliveries)[number] }> {
        receiver.deliveries.length = 0;
        running.emulator.subscribeWebhooks({ url: receiverUrl, secret: running.webhookSecret ?? DEFAULT_WEBHOOK_SECRET });
        const { record } = await create();
        await running.emulator.settleWebhooks();
        expect(receiver.deliveries.length).toBeGreaterThan(0);
        for (const request of receiver.deliveries) expect(adapter.verifyWebhook!(request)).toEqual({ ok: true, value: true });
        const naming = receiver.deliveries.find((request) => {
          const parsed = adapter.parseWebhook!(request);
          return parsed.ok && parsed.value.some((event) => event.record.id === record.id);
        });
        if (!naming) throw new Error(`no delivery parsed into an event about incident ${record.id}`);
        return { id: record.id, request: naming };
      }

      when('create', 'webhook')('delivers webhooks that verify and parse into events naming the changed record', async () => {
        const { id, request } = await delivered();
        const parsed = adapter.parseWebhook!(request);
        expect(parsed.ok && parsed.value.every((event) => event.record.kind === 'incident')).toBe(true);
        expect(parsed.ok && parsed.value.map((event) => event.record.id)).toContain(id);
      });

      when('create', 'webhook')('refuses a tampered body (signed platforms) and a wrong secret', async () => {
        const { id, request } = await delivered();
        if ((options.webhookAuth ?? 'signature') === 'signature') {
          const tampered = { ...request, rawBody: Buffer.from(request.rawBody.toString('utf8').replace(id, `${id}x`)) };
          expect(tampered.rawBody.equals(request.rawBody)).toBe(false);
          expect(adapter.verifyWebhook!(tampered)).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
        }
        const wrongSecret = build({ webhookSecret: `${running.webhookSecret ?? DEFAULT_WEBHOOK_SECRET}-wrong` });
        expect(wrongSecret.verifyWebhook!(request)).toMatchObject({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' } });
      });
    });

    describe('error classification', () => {
      // Faults hit only the create POST: reads around it are retried inside the HTTP client and are not what is checked.
      const failCreate = (fault: { status: number; retryAfterSeconds?: number }) =>
        running.emulator.injectFault({ pathPrefix: paths.create, method: 'POST', ...fault });
      const attemptCreate = () => writeOne({ op: 'create', kind: 'incident', correlationId: nextCorrelationId(), fields: desiredExternal(createValues, mappings) });

      when('create')('classifies an injected 503 as a transient retry', async () => {
        failCreate({ status: 503 });
        expect(await attemptCreate()).toMatchObject({ ok: false, error: { action: 'retry', kind: 'transient' } });
      });

      when('create')('classifies an injected 429 with Retry-After as rate limited, with the delay', async () => {
        failCreate({ status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS });
        const result = await attemptCreate();
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(['rate_limited', 'retry']).toContain(result.error.action);
        expect(result.error.retryAfterMs).toBe(RETRY_AFTER_SECONDS * 1000);
      });

      when('create')('classifies a permanent 4xx on write as a failure', async () => {
        failCreate({ status: 400 });
        expect(await attemptCreate()).toMatchObject({ ok: false, error: { action: 'fail' } });
      });

      when('create', 'read')('throws a refused read as the refusal, with its status and classification', async () => {
        const { record } = await create();
        running.emulator.injectFault({ pathPrefix: paths.record(record.id), method: 'GET', status: 403 });
        await expect(adapter.read!('incident', record.id)).rejects.toMatchObject({ code: 'HUB_ERR_VENDOR_REJECTED', failure: { status: 403 }, classification: { action: 'fail', kind: 'config' } });
        // More 429s than the HTTP client retries a read: the last one reaches the engine, which waits as asked.
        running.emulator.injectFault({ pathPrefix: paths.record(record.id), method: 'GET', status: 429, retryAfterSeconds: 0, count: 3 });
        await expect(adapter.read!('incident', record.id)).rejects.toMatchObject({ failure: { status: 429 }, classification: { action: 'rate_limited', kind: 'transient' } });
        running.emulator.clearFaults();
      });

      when('create', 'comment')('classifies the call past the per-minute rate limit as rate limited, until the window passes', async () => {
        const { record, correlationId } = await create();
        running.emulator.setFaultProfile({ rate_limit_per_minute: RATE_LIMIT, path_prefix: paths.record(record.id) });
        const comment = (n: number) => writeOne({ op: 'comment', kind: 'incident', id: record.id, correlationId, body: `Rate limit probe ${n}`, visibility: 'public' });
        for (let n = 1; n <= RATE_LIMIT; n++) succeeded(await comment(n));
        const limited = await comment(RATE_LIMIT + 1);
        expect(limited).toMatchObject({ ok: false, error: { action: 'rate_limited' } });
        const retryAfterMs = limited.ok ? undefined : limited.error.retryAfterMs;
        expect(retryAfterMs).toBeGreaterThan(0);
        tick(retryAfterMs!);
        succeeded(await comment(RATE_LIMIT + 2));
      });
    });

    describe('idempotent create', () => {
      when('create', 'find', 'list')('an ambiguous create fails transiently and leaves exactly one record with its correlation id', async () => {
        // The emulator applies the create and then drops the connection: the adapter cannot know it worked.
        running.emulator.injectFault({ pathPrefix: paths.create, method: 'POST', dropResponse: true });
        const correlationId = nextCorrelationId();
        const result = await writeOne({ op: 'create', kind: 'incident', correlationId, fields: desiredExternal(createValues, mappings) });
        expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } });

        running.emulator.clearFaults();
        const found = await adapter.find!({ kind: 'incident', correlationId });
        expect(found?.correlationId).toBe(correlationId);
        tick(1_000);
        const carrying = (await listAll()).records.filter((r) => r.correlationId === correlationId);
        expect(carrying.map((r) => r.id)).toEqual([found!.id]);
      });
    });
  }
}

function pick(fields: ExternalValues, mappings: readonly FieldMapping[]): ExternalValues {
  // Absent and empty both mean empty (see ExternalRecord.fields).
  return Object.fromEntries(mappings.map((m) => [m.externalField, fields[m.externalField] || null]));
}

/** The good credentials with every string value altered, for platforms that need no special case. */
function garbled<Credentials extends object>(credentials: Credentials): Credentials {
  return Object.fromEntries(Object.entries(credentials).map(([key, value]) => [key, typeof value === 'string' ? `wrong-${value}` : value])) as Credentials;
}
