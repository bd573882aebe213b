import { z } from 'zod';
import { defineAdapter } from '../adapters/defineAdapter';
import type { Adapter } from '../contracts/Adapter';
import type { KindCapabilities } from '../contracts/AdapterManifest';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { FieldMapping } from '../contracts/FieldMapping';
import { isReference, type FieldValue } from '../contracts/FieldValue';
import type { RecordKind } from '../contracts/RecordKind';
import { unknownPerson, type ErrorClassification, type WriteOperation, type WriteResult } from '../contracts/WriteOperation';
import { VendorRejectedError } from '../errors/HubError';
import { classifyHttpFailure } from '../http/httpFailures';

/** How the next write fails: `lost` applies it and loses the answer (the ambiguous case). */
export type PlannedFailure = { kind: 'transient' | 'permanent' | 'lost'; message?: string; retryAfterMs?: number };

const STATUS_MAP = { new: 'open', acknowledged: 'working', in_progress: 'working', on_hold: 'working', resolved: 'done', closed: 'done', canceled: 'done' };

export const MEMORY_MAPPINGS: FieldMapping[] = [
  { field: 'title', externalField: 'summary', direction: 'bidirectional' },
  { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: STATUS_MAP, default: 'open' },
  { field: 'priority', externalField: 'prio', direction: 'bidirectional', valueMap: { P1: '1', P2: '2', P3: '3', P4: '4', P5: '5' } },
  { field: 'assignee', externalField: 'owner', direction: 'bidirectional' },
];

const INCIDENT_CAPABILITIES: KindCapabilities = { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'counter' };

export interface MemoryKind {
  capabilities: KindCapabilities;
  mappings: FieldMapping[];
}

/** Header carrying a delivery id, unsigned, on the memory platform's deliveries. */
export const MEMORY_DELIVERY_HEADER = 'x-memory-delivery';

/** A delivery with this header is accepted with its value as the verification warning. */
export const MEMORY_WARNING_HEADER = 'x-memory-warning';

/** Header carrying the webhook secret on the memory platform's deliveries. */
export const MEMORY_WEBHOOK_HEADER = 'x-memory-secret';

/**
 * An in-memory platform and its adapter, for testing the sync engine without HTTP: records of
 * any kind, comments, a change feed for listing, webhooks, a write log and planned failures,
 * shared by every adapter instance of the test.
 */
export class MemoryPlatform {
  readonly records = new Map<string, ExternalRecord>();
  readonly writes: WriteOperation[] = [];
  /** The operations of each `write` call, to see how they were batched. */
  readonly calls: WriteOperation[][] = [];
  /** How the next write operations fail, one entry per operation (`undefined`: it succeeds). */
  readonly failures: Array<PlannedFailure | undefined> = [];
  /** People the platform has accounts for, by the `owner` value that names them; undefined: everyone. */
  people?: Set<string>;
  /** `lost`: the next `write` call applies all its operations, then fails as a dropped connection would. */
  readonly callFailures: Array<'lost'> = [];
  /** How the next reads and lookups (`read`, `find`) are refused, one entry per call, with the HTTP status and Retry-After a platform would send. */
  readonly readFailures: Array<{ status: number; retryAfterSeconds?: number }> = [];
  /** Runs once, after the next `write` call applied its operations and before it answers: a webhook that overtakes the answer. */
  readonly beforeAnswer: Array<() => Promise<void>> = [];
  private readonly changed = new Map<string, number>();
  private sequence = 0;
  readonly plugin;

  constructor(extraKinds: Record<RecordKind, MemoryKind> = {}) {
    const kinds: Record<RecordKind, MemoryKind> = { incident: { capabilities: INCIDENT_CAPABILITIES, mappings: MEMORY_MAPPINGS }, ...extraKinds };
    this.plugin = defineAdapter({
      manifest: {
        type: 'memory',
        displayName: 'Memory platform',
        version: '2.0.0',
        coreRange: '^2.0.0',
        credentialSchema: z.strictObject({ token: z.string() }),
        settingsSchema: z.strictObject({}),
        capabilities: Object.fromEntries(Object.entries(kinds).map(([kind, k]) => [kind, k.capabilities])),
        defaultMappings: Object.fromEntries(Object.entries(kinds).map(([kind, k]) => [kind, k.mappings])),
      },
      create: (context) => this.adapter(context.webhookSecret),
    });
  }

  /** Changes a record as a platform user would; returns the new state. */
  edit(id: string, fields: Record<string, FieldValue>, comment?: string): ExternalRecord {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    Object.assign(record.fields, fields);
    if (comment) record.comments = [...(record.comments ?? []), { id: `c${++this.sequence}`, body: comment, visibility: 'public' }];
    record.version = String(Number(record.version) + 1);
    this.changed.set(id, ++this.sequence);
    return structuredClone(record);
  }

  /** A record created on the platform by one of its users. */
  add(kind: RecordKind, fields: Record<string, FieldValue>): ExternalRecord {
    const id = `R${++this.sequence}`;
    const record: ExternalRecord = { kind, id, number: `MEM-${this.sequence}`, version: '1', fields: { ...fields }, comments: [] };
    this.records.set(id, record);
    this.changed.set(id, this.sequence);
    return structuredClone(record);
  }

  /** A webhook delivery about a record, as the platform would send it. */
  webhook(id: string, secret: string): { headers: Record<string, string>; rawBody: Buffer; query: Record<string, string> } {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    return { headers: { [MEMORY_WEBHOOK_HEADER]: secret }, rawBody: Buffer.from(JSON.stringify({ kind: record.kind, id, version: record.version })), query: {} };
  }

  private adapter(secret: string | undefined): Adapter {
    return {
      testConnection: async () => [],
      classifyError: () => ({ action: 'fail', kind: 'user', message: 'unused' }),
      read: async (kind, id) => {
        this.refuseRead(`reading ${kind} ${id}`);
        const record = this.records.get(id);
        return record && record.kind === kind ? structuredClone(record) : undefined;
      },
      find: async (query) => {
        this.refuseRead(`finding the ${query.kind} of ${query.correlationId}`);
        return structuredClone([...this.records.values()].find((r) => r.kind === query.kind && r.correlationId === query.correlationId));
      },
      list: async (query) => {
        if (query.scope === 'all') {
          // Every record in id order, a page at a time, with the total as ServiceNow's X-Total-Count gives it.
          const all = [...this.records.values()].filter((r) => r.kind === query.kind).sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
          const start = Number(query.page ?? 0);
          const size = query.pageSize ?? 100;
          const next = start + size < all.length ? String(start + size) : undefined;
          return { records: all.slice(start, start + size).map((r) => structuredClone(r)), total: all.length, ...(next ? { nextPage: next } : {}) };
        }
        const since = Number(query.cursor ?? 0);
        const records = [...this.records.values()].filter((r) => r.kind === query.kind && (this.changed.get(r.id) ?? 0) > since);
        return { records: records.map((r) => structuredClone(r)), cursor: String(this.sequence) };
      },
      write: async (operations) => {
        this.calls.push(operations);
        const results = operations.map((op) => this.apply(op));
        await this.beforeAnswer.shift()?.();
        if (this.callFailures.shift() === 'lost') throw new Error('socket hang up');
        return results;
      },
      verifyWebhook: (request) => {
        if (!secret || request.headers[MEMORY_WEBHOOK_HEADER] !== secret) return { ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message: 'bad secret' } };
        const warning = request.headers[MEMORY_WARNING_HEADER];
        return { ok: true, value: warning ? { warning } : true };
      },
      parseWebhook: (request) => {
        const body = JSON.parse(request.rawBody.toString('utf8')) as { kind: string; id: string; version?: string };
        // Like most platforms, a delivery id travels in an unsigned header.
        const deliveryId = request.headers[MEMORY_DELIVERY_HEADER];
        return { ok: true, value: [{ type: 'updated', deliveryId, record: { kind: body.kind, id: body.id, version: body.version, fields: {} } }] };
      },
    };
  }

  private refuseRead(what: string): void {
    const planned = this.readFailures.shift();
    if (!planned) return;
    const headers: Record<string, string> = planned.retryAfterSeconds === undefined ? {} : { 'retry-after': String(planned.retryAfterSeconds) };
    const failure = { type: 'response' as const, status: planned.status, headers, body: { message: `HTTP ${planned.status}` } };
    throw new VendorRejectedError(`The memory platform refused ${what}`, failure, classifyHttpFailure(failure, { now: new Date(), message: `HTTP ${planned.status}` }));
  }

  private apply(op: WriteOperation): WriteResult {
    this.writes.push(op);
    const planned = this.failures.shift();
    if (planned && planned.kind !== 'lost') {
      const error: ErrorClassification = planned.kind === 'transient'
        ? { action: 'retry', kind: 'transient', message: planned.message ?? 'unavailable', retryAfterMs: planned.retryAfterMs }
        : { action: 'fail', kind: 'user', message: planned.message ?? 'rejected' };
      return { ok: false, error, vendorMessage: planned.message ?? error.message, status: planned.kind === 'transient' ? 503 : 400 };
    }
    const result = this.applied(op);
    return planned?.kind === 'lost' ? { ok: false, error: { action: 'retry', kind: 'transient', message: 'socket hang up' }, vendorMessage: 'socket hang up' } : result;
  }

  private applied(op: WriteOperation): WriteResult {
    const owner = 'fields' in op ? op.fields.owner : undefined;
    if (this.people && typeof owner === 'string' && owner !== '' && !this.people.has(owner)) return unknownPerson('owner', owner, `The memory platform has no user ${owner}`);
    // As strict as a CMDB: a reference must name a record the platform holds.
    const dangling = 'fields' in op ? danglingReferences(op.fields, this.records) : [];
    if (dangling.length > 0) {
      const message = `referenced record does not exist: ${dangling.join(', ')}`;
      return { ok: false, error: { action: 'fail', kind: 'user', message }, vendorMessage: message, status: 400 };
    }
    if (op.op === 'create') {
      const id = `R${++this.sequence}`;
      const record: ExternalRecord = { kind: op.kind, id, number: `MEM-${this.sequence}`, version: '1', correlationId: op.correlationId, fields: { ...op.fields }, comments: [] };
      this.records.set(id, record);
      this.changed.set(id, this.sequence);
      return { ok: true, record: structuredClone(record) };
    }
    if (op.op === 'update') return { ok: true, record: this.edit(op.id, op.fields) };
    if (op.op === 'comment') {
      const record = this.records.get(op.id);
      if (!record) return { ok: false, error: { action: 'fail', kind: 'user', message: 'not found' }, vendorMessage: 'not found', status: 404 };
      const id = `c${++this.sequence}`;
      record.comments = [...(record.comments ?? []), { id, body: op.body, visibility: op.visibility }];
      return { ok: true, commentId: id };
    }
    return { ok: false, error: { action: 'fail', kind: 'user', message: 'unsupported' }, vendorMessage: 'unsupported' };
  }
}

function danglingReferences(fields: Record<string, FieldValue>, records: Map<string, ExternalRecord>): string[] {
  const references = Object.values(fields).flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isReference);
  return references.filter((ref) => records.get(ref.id)?.kind !== ref.kind).map((ref) => `${ref.kind} ${ref.id}`);
}
