import { z } from 'zod';
import { defineAdapter } from '../adapters/defineAdapter';
import type { Adapter } from '../contracts/Adapter';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { ErrorClassification, WriteOperation, WriteResult } from '../contracts/WriteOperation';

/** How the next write fails: `lost` applies it and loses the answer (the ambiguous case). */
export type PlannedFailure = { kind: 'transient' | 'permanent' | 'lost'; message?: string; retryAfterMs?: number };

const STATUS_MAP = { new: 'open', acknowledged: 'working', in_progress: 'working', on_hold: 'working', resolved: 'done', closed: 'done', canceled: 'done' };

export const MEMORY_MAPPINGS: FieldMapping[] = [
  { field: 'title', externalField: 'summary', direction: 'bidirectional' },
  { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: STATUS_MAP, default: 'open' },
  { field: 'priority', externalField: 'prio', direction: 'bidirectional', valueMap: { P1: '1', P2: '2', P3: '3', P4: '4', P5: '5' } },
  { field: 'assignee', externalField: 'owner', direction: 'bidirectional' },
];

/**
 * An in-memory platform and its adapter, for testing the sync engine without HTTP: records,
 * comments, a write log and planned failures, shared by every adapter instance of the test.
 */
export class MemoryPlatform {
  readonly records = new Map<string, ExternalRecord>();
  readonly writes: WriteOperation[] = [];
  readonly failures: PlannedFailure[] = [];
  private sequence = 0;

  readonly plugin = defineAdapter({
    manifest: {
      type: 'memory',
      displayName: 'Memory platform',
      version: '1.0.0',
      coreRange: '^1.0.0',
      credentialSchema: z.strictObject({ token: z.string() }),
      settingsSchema: z.strictObject({}),
      capabilities: { incident: ['read', 'find', 'create', 'update', 'comment'] },
      defaultMappings: { incident: MEMORY_MAPPINGS },
    },
    create: () => this.adapter(),
  });

  /** Changes a record as a platform user would; returns the new state. */
  edit(id: string, fields: Record<string, string | null>, comment?: string): ExternalRecord {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    Object.assign(record.fields, fields);
    if (comment) record.comments = [...(record.comments ?? []), { id: `c${++this.sequence}`, body: comment, visibility: 'public' }];
    record.version = String(Number(record.version) + 1);
    return structuredClone(record);
  }

  private adapter(): Adapter {
    return {
      testConnection: async () => [],
      classifyError: () => ({ action: 'fail', kind: 'user', message: 'unused' }),
      read: async (_kind, id) => structuredClone(this.records.get(id)),
      find: async (query) => structuredClone([...this.records.values()].find((r) => r.correlationId === query.correlationId)),
      write: async (operations) => operations.map((op) => this.apply(op)),
    };
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
    if (op.op === 'create') {
      const id = `R${++this.sequence}`;
      const record: ExternalRecord = { kind: 'incident', id, number: `MEM-${this.sequence}`, version: '1', correlationId: op.correlationId, fields: { ...op.fields }, comments: [] };
      this.records.set(id, record);
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
