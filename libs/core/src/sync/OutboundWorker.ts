import { trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Operation } from '../contracts/AdapterManifest';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { Logger } from '../contracts/Logger';
import type { WriteOperation, WriteResult } from '../contracts/WriteOperation';
import { TOKENS } from '../di/tokens';
import { TransportError } from '../errors/HubError';
import { withAuditScope, type AuditScope } from '../http/auditScope';
import { createFilterOf } from '../integrations/genericSettings';
import { changedExternal, desiredExternal, mappedExternal, type ExternalValues } from '../mapping/FieldMapper';
import type { HubRecord } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { journalEntry, toRecord } from '../records/RecordStore';
import { DeadLetterQueue } from './DeadLetterQueue';
import { platformFailureOf, platformRateLimit, RateLimited, undeliverable, WriteFailed } from './deliveryErrors';
import { recordRateLimit } from './stores/IntegrationStateStore';
import { IntegrationRuntimes, sendsOutbound, type IntegrationRuntime } from './IntegrationRuntimes';
import { claimHeads, OUTBOX, reschedule, type ClaimCapacity, type LaneWorker, type QueueRow } from './lanes';
import { RateLimiter, withPrepaidCalls } from './RateLimiter';
import { ReferenceGate } from './ReferenceGate';
import { referencesOut } from './references';
import { externalEntryTaken, linkEntryAndComplete, markEntrySending, sentEntry } from './stores/JournalLinkStore';
import { deliveryOf, deliveryReads, markInFlight, recordWrites, saveLink, type Delivery, type Link, type LinkKey, type RecordedWrite } from './stores/LinkStore';
import { completeJobs, toOutboxEntry, type OutboxEntry } from './stores/OutboxStore';
import { wakeWaiters } from './stores/ReferenceWaits';
import { SyncMetrics } from './SyncMetrics';
import { backoffDelay, type SyncSettings } from './SyncSettings';
import { recordAttributes, SPANS, traceField } from './tracing';

/** A claimed job with what its claim read: its record, link and held fields (undefined: the record is gone). */
type LeasedEntry = OutboxEntry & { owner: string; delivery: Delivery | undefined };
type WriteSucceeded = Extract<WriteResult, { ok: true }>;

/** A platform write one job needs, and what its success records. */
interface PlannedWrite {
  op: WriteOperation;
  /** Values marked in flight on the link before the call (echoes of them are not changes). */
  inFlight?: { key: LinkKey; values: ExternalValues };
  scope: AuditScope;
  /** What the link had already left out before this write, so the same value is not warned about again. */
  leftOut?: ExternalValues;
  recorded(result: WriteSucceeded, omission?: Omission): RecordedWrite;
}

/** Fields a write left out because they name no one on the platform, with why. */
interface Omission {
  values: ExternalValues;
  notes: string[];
}

/** How many unknown people one write may leave out before it is refused after all: every person field of a record. */
const MAX_OMITTED_FIELDS = 8;

/** What a job comes to once its record is read: no platform call, a finished write, or a write to make. */
type Plan =
  | { type: 'skip' }
  | { type: 'waiting' }
  | { type: 'done' }
  | { type: 'recorded'; write: RecordedWrite; warnings?: string[] }
  | { type: 'write'; write: PlannedWrite };

/** One claimed job through its group's phases. */
interface Job {
  entry: LeasedEntry;
  span: Span;
  end: () => void;
  result?: string;
  error?: unknown;
}

const tracer = () => trace.getTracer('itsm-hub-sync');

/**
 * Delivers outbox jobs of every kind to platforms. The lane heads one claim took for an integration
 * go through together: their records and links are read by the claim itself, their writes are marked
 * in flight in one, handed to the adapter in batches of the size it declares per kind and
 * operation, and recorded (with their jobs completed) in one. Results are per operation: a failed
 * one retries with backoff through the outbox, then lands in the dead letter queue, and never
 * fails or repeats its neighbours.
 */
@injectable()
export class OutboundWorker implements LaneWorker {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    private readonly runtimes: IntegrationRuntimes,
    private readonly kinds: RecordKinds,
    private readonly deadLetters: DeadLetterQueue,
    private readonly metrics: SyncMetrics,
    private readonly gate: ReferenceGate,
    private readonly limiter: RateLimiter,
  ) {}

  /** Claims lane heads and reads their records and links in the same statement. */
  claim(owner: string, capacity: ClaimCapacity): Promise<QueueRow[]> {
    return claimHeads(this.db, OUTBOX, owner, this.clock.now(), this.settings.leaseMs, capacity, deliveryReads(this.kinds.definitions));
  }

  /** The rows are lane heads of one integration, as `claim` read them; they settle together. */
  handle(owner: string, rows: QueueRow[]): Array<Promise<void>> {
    const done = this.handleGroup(rows.map((row) => ({ ...toOutboxEntry(row), owner, delivery: deliveryOf(row) })));
    return rows.map(() => done);
  }

  private async handleGroup(entries: LeasedEntry[]): Promise<void> {
    const runtime = await this.runtimes.load(entries[0].integration_id);
    const type = runtime?.type ?? 'unknown';
    const jobs: Job[] = entries.map((entry) => ({
      entry,
      end: this.metrics.jobDuration.startTimer({ direction: 'outbound', integration_type: type }),
      span: tracer().startSpan(SPANS.outbound, {
        attributes: { 'sync.integration_id': entry.integration_id, 'sync.integration_type': type, 'sync.direction': 'outbound', ...recordAttributes(entry.record_kind, entry.record_id) },
      }),
    }));
    try {
      const plans = await this.plan(runtime, jobs);
      if (runtime) await this.send(runtime, jobs, plans);
      await this.complete(runtime, jobs, plans);
    } catch (err) {
      // A failed group statement: every job without a result retries (its lease is still ours).
      for (const job of jobs) if (job.result === undefined) job.error = err;
    }
    for (const job of jobs) {
      if (job.result === undefined) {
        job.result = await this.failed(job.entry, runtime, job.error).catch((err: unknown) => {
          // Its lease runs out and another attempt takes it: the job is not lost, but say so.
          this.logger.error({ integration_id: job.entry.integration_id, record_kind: job.entry.record_kind, record_id: job.entry.record_id, err: (err as Error).message }, 'could not record an outbound failure');
          return 'retry';
        });
      }
      this.finish(job, type);
    }
  }

  /** Decides each job on the record and link its claim read. */
  private async plan(runtime: IntegrationRuntime | undefined, jobs: Job[]): Promise<Map<Job, Plan>> {
    const plans = new Map<Job, Plan>();
    const sending = jobs.filter((job) => {
      const kind = this.kinds.find(job.entry.record_kind);
      return runtime && kind && runtime.enabled && sendsOutbound(runtime.directionFor(kind.name));
    });
    for (const job of jobs) if (!sending.includes(job)) plans.set(job, { type: 'skip' });
    if (!runtime || sending.length === 0) return plans;
    await Promise.all(sending.map(async (job) => {
      const { delivery } = job.entry;
      try {
        plans.set(job, delivery ? await this.decide(runtime, this.kinds.get(job.entry.record_kind), job, delivery) : { type: 'skip' });
      } catch (err) {
        job.error = err;
      }
    }));
    return plans;
  }

  private async decide(runtime: IntegrationRuntime, kind: RecordKindDefinition, job: Job, found: Delivery): Promise<Plan> {
    const { entry, span } = job;
    const record = toRecord(kind, found.record);
    const { link, held } = found;
    if (entry.job === 'journal') return this.deliverEntry(runtime, entry, link);
    const key: LinkKey = { organizationId: record.organization_id, kind: kind.name, recordId: entry.record_id, integrationId: runtime.id };
    const existing = Boolean(link?.external_id);
    const owners = runtime.ownersFor(kind.name);
    const mappings = runtime.mappingsFor(kind.name);
    const { values, missing } = await referencesOut(this.db, runtime.id, kind, record.values);
    if (missing.length > 0) {
      await this.gate.park(runtime, entry, key, missing);
      return { type: 'waiting' };
    }
    const desired = desiredExternal(values, mappings, (m) => {
      const skip = held.has(m.field) || (existing && !entry.corrective && owners.get(m.field)?.owner === 'external');
      traceField(this.settings.trace, span, m.field, skip ? (held.has(m.field) ? 'held_by_conflict' : 'skipped_by_ownership') : 'mapped', m.externalField);
      return skip;
    });
    span.setAttribute('sync.field_count', Object.keys(desired).length);
    if (!link?.external_id) return this.create(runtime, entry, record, key, link, desired, found.platformFields);
    span.setAttribute('sync.external_id', link.external_id);
    return this.update(runtime, entry, key, link, desired);
  }

  private async create(runtime: IntegrationRuntime, entry: LeasedEntry, record: HubRecord, key: LinkKey, link: Link | undefined, desired: ExternalValues, platformFields?: Record<string, unknown>): Promise<Plan> {
    if (!matchesCreateFilter(runtime, record)) return { type: 'skip' };
    if (!runtime.supports(record.kind, 'create')) throw undeliverable(`The ${runtime.type} adapter cannot create ${record.kind} records.`, 'config');
    const scope: AuditScope = { operation: 'create', entityType: record.kind, entityId: record.id };
    const recorded = (created: ExternalRecord, warnings?: string[], omission?: Omission): RecordedWrite => ({
      key, record: created, job: entry, ignored: link?.ignored ?? {},
      synced: { ...withoutFields(desired, omission), ...mappedExternal(created.fields, runtime.mappingsFor(record.kind)) },
      omitted: omittedAfter(link?.omitted, desired, omission),
      warning: warningOf(omission, warnings),
    });
    // A previous attempt may have created it and lost the answer: look it up before repeating.
    if (entry.attempts > 0 || link) {
      const found = await withAuditScope({ ...scope, operation: 'find' }, async () => runtime.adapter.find?.({ kind: record.kind, correlationId: record.id }));
      if (found) return { type: 'recorded', write: recorded(found) };
    }
    // Platform fields of the record's target are written once, with the create; they are not mapped, so never compared.
    const op: WriteOperation = { op: 'create', kind: record.kind, correlationId: record.id, fields: { ...desired, ...(platformFields as ExternalValues | undefined) } };
    return {
      type: 'write',
      write: {
        op, scope, inFlight: { key, values: desired }, leftOut: link?.omitted,
        recorded: (result, omission) => {
          if (!result.record) throw new Error(`${runtime.type} adapter returned no record for a create`);
          return recorded(result.record, result.warnings, omission);
        },
      },
    };
  }

  private async update(runtime: IntegrationRuntime, entry: LeasedEntry, key: LinkKey, link: Link, desired: ExternalValues): Promise<Plan> {
    const changed = changedExternal(desired, link.base);
    const ignored = { ...link.ignored };
    for (const [field, value] of Object.entries(changed)) {
      if (!(field in ignored)) continue;
      if (JSON.stringify(ignored[field]) === JSON.stringify(value)) delete changed[field];
      else delete ignored[field];
    }
    if (Object.keys(changed).length === 0) {
      if (link.sync_status !== 'synced' && link.sync_status !== 'conflict') await saveLink(this.db, key, { sync_status: 'synced', last_error: null, retry_count: 0 }, this.clock.now());
      return { type: 'skip' };
    }
    if (!runtime.supports(key.kind, 'update')) throw undeliverable(`The ${runtime.type} adapter cannot update ${key.kind} records.`, 'config');
    const externalId = link.external_id as string;
    const op: WriteOperation = { op: 'update', kind: key.kind, id: externalId, fields: changed, expectedVersion: link.last_synced_version ?? undefined };
    return {
      type: 'write',
      write: {
        op, inFlight: { key, values: changed }, scope: { operation: 'update', entityType: key.kind, entityId: key.recordId, externalId }, leftOut: link.omitted,
        recorded: (result, omission) => {
          const record = result.record ?? { kind: key.kind, id: externalId, fields: {}, version: link.last_synced_version ?? undefined };
          // Fields the hub only reads may be derived from what it wrote (ServiceNow priority from
          // impact and urgency): take them from the answer, or the next webhook would look like no change.
          const derived = mappedExternal(record.fields, runtime.mappingsFor(key.kind).filter((m) => m.direction === 'inbound'));
          return {
            key, record, job: entry, ignored, synced: { ...derived, ...withoutFields(changed, omission) },
            omitted: omittedAfter(link.omitted, changed, omission), warning: warningOf(omission, result.warnings),
          };
        },
      },
    };
  }

  /** A journal entry goes out on its own: it is looked up, sent and linked in statements of its own. */
  private async deliverEntry(runtime: IntegrationRuntime, entry: LeasedEntry, link: Link | undefined): Promise<Plan> {
    if (!link) return { type: 'skip' };
    const label = this.kinds.get(entry.record_kind).label;
    if (!link.external_id) throw undeliverable(`The ${label} does not exist on ${runtime.row.name} yet (its create failed), so the comment cannot be added.`, 'user');
    const comment = entry.journal_id ? await journalEntry(this.db, entry.journal_id) : undefined;
    if (!comment) return { type: 'skip' };
    const sent = await sentEntry(this.db, comment.id, runtime.id);
    if (sent?.external_entry_id) return { type: 'skip' };
    const scope = { entityType: entry.record_kind, entityId: entry.record_id, externalId: link.external_id };
    if (sent || entry.attempts > 0) {
      const found = await withAuditScope({ operation: 'read', ...scope }, () => this.findSentEntry(runtime, entry.record_kind, link.external_id as string, comment.body));
      if (found) {
        await linkEntryAndComplete(this.db, comment.id, runtime.id, found, entry);
        return { type: 'done' };
      }
    }
    await markEntrySending(this.db, comment.id, runtime.id);
    await this.takeUnits(runtime, 1);
    const op: WriteOperation = { op: 'comment', kind: entry.record_kind, id: link.external_id, correlationId: comment.id, body: comment.body, visibility: comment.visibility };
    const [result] = await withAuditScope({ operation: 'comment', ...scope }, () => withPrepaidCalls(1, () => this.write(runtime, [op])));
    if (!result.ok) throw new WriteFailed(result, op);
    await linkEntryAndComplete(this.db, comment.id, runtime.id, result.commentId ?? null, entry);
    return { type: 'done' };
  }

  /** A journal entry whose body matches and that no hub entry is linked to yet. */
  private async findSentEntry(runtime: IntegrationRuntime, kind: string, externalId: string, body: string): Promise<string | undefined> {
    const record = await runtime.adapter.read?.(kind, externalId);
    for (const candidate of record?.comments ?? []) {
      if (candidate.body.trim() !== body.trim()) continue;
      if (!(await externalEntryTaken(this.db, runtime.id, candidate.id))) return candidate.id;
    }
    return undefined;
  }

  /**
   * Makes the planned writes: budget first (a batch costs what the adapter declares), then every
   * in-flight mark in one statement, then one `write` call per batch, batches in parallel.
   */
  private async send(runtime: IntegrationRuntime, jobs: Job[], plans: Map<Job, Plan>): Promise<void> {
    const batches = new Map<string, Job[][]>();
    for (const job of jobs) {
      const plan = plans.get(job);
      if (plan?.type !== 'write') continue;
      const { kind, op } = plan.write.op;
      const size = runtime.batching(kind, op as Operation).size;
      const chunks = batches.get(`${kind}/${op}`) ?? [];
      if (chunks.length === 0 || chunks[chunks.length - 1].length >= size) chunks.push([]);
      chunks[chunks.length - 1].push(job);
      batches.set(`${kind}/${op}`, chunks);
    }
    const ready: Job[][] = [];
    for (const chunk of [...batches.values()].flat()) {
      const first = (plans.get(chunk[0]) as Extract<Plan, { type: 'write' }>).write.op;
      try {
        await this.takeUnits(runtime, runtime.batching(first.kind, first.op as Operation).cost(chunk.length));
        ready.push(chunk);
      } catch (err) {
        for (const job of chunk) job.error = err;
      }
    }
    const writes = (chunk: Job[]) => chunk.map((job) => (plans.get(job) as Extract<Plan, { type: 'write' }>).write);
    await markInFlight(this.db, runtime.id, ready.flatMap(writes).flatMap((w) => (w.inFlight ? [w.inFlight] : [])), this.clock.now());
    await Promise.all(ready.map(async (chunk) => {
      const planned = writes(chunk);
      const scope: AuditScope = planned.length === 1 ? planned[0].scope : { operation: 'batch', entityType: planned[0].op.kind };
      let results: WriteResult[];
      try {
        // The batch's call is paid (its units, as the adapter declares); further calls the adapter makes for it (a read-back) cost one each.
        results = await withAuditScope(scope, () => withPrepaidCalls(1, () => this.write(runtime, planned.map((w) => w.op))));
      } catch (err) {
        // The call as a whole failed (a dropped connection, say): each operation may or may not
        // have been applied, and is looked up on its retry like an unanswered single create.
        for (const job of chunk) job.error = err;
        return;
      }
      await Promise.all(chunk.map(async (job, i) => {
        try {
          const { op, result, omission } = await this.withoutUnknownPeople(runtime, planned[i], results[i]);
          if (!result.ok) {
            job.error = new WriteFailed(result, op);
            return;
          }
          const write = planned[i].recorded(result, omission);
          plans.set(job, { type: 'recorded', write, warnings: [...(omission?.notes ?? []), ...(result.warnings ?? [])] });
        } catch (err) {
          job.error = err;
        }
      }));
    }));
  }

  /**
   * A write refused only because a field names someone the platform does not know (an assignee
   * without an account there) is sent again without that field, unless the integration says
   * `unknown_person: dead_letter`: the record exists there, the link warns, and the field is
   * written once the person exists. A value the link already left out is not warned about again.
   */
  private async withoutUnknownPeople(runtime: IntegrationRuntime, planned: PlannedWrite, first: WriteResult): Promise<{ op: WriteOperation; result: WriteResult; omission?: Omission }> {
    let op = planned.op;
    let result = first;
    if (runtime.settings.unknown_person === 'dead_letter') return { op, result };
    const omission: Omission = { values: {}, notes: [] };
    const known = planned.leftOut ?? {};
    while (!result.ok && result.error.unresolved && (op.op === 'create' || op.op === 'update') && result.error.unresolved.field in op.fields && Object.keys(omission.values).length < MAX_OMITTED_FIELDS) {
      const { field } = result.error.unresolved;
      const value = op.fields[field];
      omission.values[field] = value;
      const note = `${field} left out: ${result.vendorMessage}`;
      omission.notes.push(note);
      const { [field]: _left, ...rest } = op.fields;
      op = { ...op, fields: rest };
      if (op.op === 'update' && Object.keys(rest).length === 0) return { op, result: { ok: true }, omission };
      const repeated = JSON.stringify(known[field]) === JSON.stringify(value);
      if (!repeated) this.logger.warn({ integration_id: runtime.id, record_kind: op.kind, field, err: result.vendorMessage }, 'field names no one on the platform; written without it');
      await this.takeUnits(runtime, 1);
      const retry = op;
      [result] = await withAuditScope({ ...planned.scope, ...(repeated ? {} : { warning: note }) }, () => withPrepaidCalls(1, () => this.write(runtime, [retry])));
    }
    return { op, result, omission: omission.notes.length > 0 ? omission : undefined };
  }

  /** One result per operation, whatever the adapter answered. */
  private async write(runtime: IntegrationRuntime, ops: WriteOperation[]): Promise<WriteResult[]> {
    if (!runtime.adapter.write) throw undeliverable(`The ${runtime.type} adapter cannot write ${ops[0].kind} records.`, 'config', ops[0]);
    const results = await runtime.adapter.write(ops);
    return ops.map((op, i) => results[i] ?? {
      ok: false, vendorMessage: `${runtime.type} adapter returned ${results.length} results for ${ops.length} operations`,
      error: { action: 'retry', kind: 'system', message: `${runtime.type} adapter returned no result for this ${op.op}` },
    });
  }

  private async takeUnits(runtime: IntegrationRuntime, units: number): Promise<void> {
    const wait = await this.limiter.acquire(runtime.id, runtime.rateLimitPerMinute, this.clock.now(), units);
    if (wait > 0) throw new RateLimited(wait);
  }

  /** Records every successful write and completes every finished job, in one statement each. */
  private async complete(runtime: IntegrationRuntime | undefined, jobs: Job[], plans: Map<Job, Plan>): Promise<void> {
    const owner = jobs[0].entry.owner;
    const pending = jobs.filter((job) => job.error === undefined);
    const skipped = pending.filter((job) => plans.get(job)?.type === 'skip');
    await completeJobs(this.db, skipped.map((job) => job.entry.id), owner);
    for (const job of skipped) job.result = 'skipped';
    const recorded = pending.filter((job) => plans.get(job)?.type === 'recorded');
    if (runtime && recorded.length > 0) {
      const now = this.clock.now().toISOString();
      for (const order of new Set(recorded.map((job) => runtime.versionsFor(job.entry.record_kind)))) {
        const ofOrder = recorded.filter((job) => runtime.versionsFor(job.entry.record_kind) === order);
        const echoes = await recordWrites(this.db, order, runtime.id, ofOrder.map((job) => (plans.get(job) as Extract<Plan, { type: 'recorded' }>).write), now);
        if (echoes > 0) this.metrics.jobs.inc({ direction: 'inbound', integration_type: 'echo', result: 'skipped' }, echoes);
      }
      for (const job of recorded) {
        job.result = 'success';
        const plan = plans.get(job) as Extract<Plan, { type: 'recorded' }>;
        job.span.setAttribute('sync.external_id', plan.write.record.id);
        if (plan.warnings?.length) this.logger.warn({ integration_id: runtime.id, record_kind: job.entry.record_kind, record_id: job.entry.record_id, warnings: plan.warnings }, 'platform accepted the write with warnings');
      }
    }
    for (const job of pending) {
      const plan = plans.get(job);
      if (plan?.type === 'done') job.result = 'success';
      if (plan?.type === 'waiting') job.result = 'waiting';
    }
    // Jobs parked on these records find out that they are written, or that nothing will write them.
    for (const job of [...skipped, ...recorded]) {
      if (job.entry.job === 'record' && this.kinds.isReferenced(job.entry.record_kind)) await wakeWaiters(this.db, job.entry.integration_id, job.entry.record_kind, job.entry.record_id);
    }
  }

  private finish(job: Job, type: string): void {
    const result = job.result ?? 'retry';
    if (result === 'success') this.metrics.latency.observe({ integration_type: type }, (this.clock.now().getTime() - job.entry.created_at.getTime()) / 1000);
    if (job.error !== undefined && result !== 'retry') {
      job.span.recordException(job.error as Error);
      job.span.setStatus({ code: SpanStatusCode.ERROR, message: (job.error as Error).message });
    }
    job.span.setAttribute('sync.result', result === 'dead_letter' ? 'error' : result);
    job.span.end();
    job.end();
    this.metrics.jobs.inc({ direction: 'outbound', integration_type: type, result });
  }

  /** Decides retry or dead letter for a failed job; returns the metric result. */
  private async failed(entry: LeasedEntry, runtime: IntegrationRuntime | undefined, err: unknown): Promise<string> {
    const now = this.clock.now();
    const owner = entry.owner;
    if (err instanceof RateLimited) {
      // Waiting for our own budget is not a failed attempt.
      const at = new Date(now.getTime() + err.waitMs);
      await recordRateLimit(this.db, entry.integration_id, at, err.message);
      await reschedule(this.db, OUTBOX, entry.id, owner, at, entry.attempts, err.message);
      return 'retry';
    }
    const attempts = entry.attempts + 1;
    const failure = platformFailureOf(err);
    const message = failure ? failure.vendorMessage || failure.error.message : (err as Error).message;
    const limited = platformRateLimit(failure);
    if (limited) {
      // The platform's rate limit, on a write or on the read before it: not a failed attempt.
      const at = new Date(now.getTime() + Math.max(limited.waitMs, backoffDelay(this.settings, 1)));
      await recordRateLimit(this.db, entry.integration_id, at, message);
      await reschedule(this.db, OUTBOX, entry.id, owner, at, entry.attempts, message);
      return 'retry';
    }
    const transient = !failure || ['retry', 'rate_limited', 'refresh_auth'].includes(failure.error.action);
    if (failure?.error.action === 'ignore') {
      await completeJobs(this.db, [entry.id], owner);
      return 'skipped';
    }
    const key = { organizationId: entry.organization_id, kind: entry.record_kind, recordId: entry.record_id, integrationId: entry.integration_id };
    if (transient && attempts <= this.settings.maxRetries) {
      const at = new Date(now.getTime() + backoffDelay(this.settings, attempts, failure?.error.retryAfterMs));
      await reschedule(this.db, OUTBOX, entry.id, owner, at, attempts, message);
      await saveLink(this.db, key, { sync_status: 'error', retry_count: attempts, last_error: message }, now);
      await this.deadLetters.markError(this.db, entry.integration_id, message);
      if (!failure) this.logger.error({ integration_id: entry.integration_id, record_kind: entry.record_kind, record_id: entry.record_id, err: message }, 'outbound job failed');
      return 'retry';
    }
    await this.deadLetters.bury(entry, {
      message: transient ? `Gave up after ${attempts} attempts: ${message}` : message,
      status: failure?.status,
      kind: failure?.error.kind ?? (err instanceof TransportError ? 'transient' : 'system'),
      request: err instanceof WriteFailed ? err.request : undefined,
      attempts,
    });
    this.metrics.deadLettered.inc({ integration_type: runtime?.type ?? 'unknown' });
    return 'dead_letter';
  }
}

function withoutFields(values: ExternalValues, omission: Omission | undefined): ExternalValues {
  if (!omission) return values;
  return Object.fromEntries(Object.entries(values).filter(([field]) => !(field in omission.values)));
}

/** The link's left-out values after a write: fields it wrote are no longer left out, fields it left out are. */
function omittedAfter(previous: ExternalValues | undefined, sent: ExternalValues, omission: Omission | undefined): ExternalValues {
  const kept = Object.fromEntries(Object.entries(previous ?? {}).filter(([field]) => !(field in sent)));
  return { ...kept, ...(omission?.values ?? {}) };
}

function warningOf(omission: Omission | undefined, warnings: string[] | undefined): string | null {
  const all = [...(omission?.notes ?? []), ...(warnings ?? [])];
  return all.length > 0 ? `warning: ${all.join('; ')}` : null;
}

function matchesCreateFilter(runtime: IntegrationRuntime, record: HubRecord): boolean {
  const filter = createFilterOf(runtime.settings, record.kind);
  return Object.entries(filter).every(([field, allowed]) => allowed?.includes(String(record.values[field] ?? '')));
}
