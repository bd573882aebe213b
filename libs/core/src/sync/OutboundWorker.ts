import type { Span } from '@opentelemetry/api';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { Logger } from '../contracts/Logger';
import type { ErrorClassification, WriteOperation, WriteResult } from '../contracts/WriteOperation';
import { TOKENS } from '../di/tokens';
import { withAuditScope } from '../http/auditScope';
import { createFilterOf } from '../integrations/genericSettings';
import { changedExternal, desiredExternal, mappedExternal, type ExternalValues } from '../mapping/FieldMapper';
import type { HubRecord } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { journalEntry, toRecord } from '../records/RecordStore';
import { DeadLetterQueue } from './DeadLetterQueue';
import { IntegrationRuntimes, sendsOutbound, type IntegrationRuntime } from './IntegrationRuntimes';
import { claimHeads, OUTBOX, reschedule, type LaneWorker } from './lanes';
import { referencesOut } from './references';
import { RateLimiter } from './RateLimiter';
import { externalEntryTaken, linkEntryAndComplete, markEntrySending, sentEntry } from './stores/JournalLinkStore';
import { recordForDelivery, recordWrite, saveLink, type Link, type LinkKey } from './stores/LinkStore';
import { completeJob, toOutboxEntry, type OutboxEntry } from './stores/OutboxStore';
import { SyncMetrics } from './SyncMetrics';
import { backoffDelay, type SyncSettings } from './SyncSettings';
import { inSpan, recordAttributes, SPANS, traceField } from './tracing';

type Outcome = 'success' | 'skipped';
type LeasedEntry = OutboxEntry & { owner: string };

class WriteFailed extends Error {
  constructor(readonly failure: { error: ErrorClassification; vendorMessage: string; status?: number }, readonly request?: WriteOperation) {
    super(failure.vendorMessage);
  }
}

/** A job that cannot be sent at all (no request was made): it goes straight to the dead letter queue. */
function undeliverable(message: string, kind: ErrorClassification['kind'], request?: WriteOperation): WriteFailed {
  return new WriteFailed({ error: { action: 'fail', kind, message }, vendorMessage: message }, request);
}

class RateLimited extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limit reached, next slot in ${waitMs} ms`);
  }
}

/**
 * Delivers outbox jobs of every kind to platforms: claims lane heads, maps the record by its kind's
 * mappings, creates or updates only what differs from the link's base, and records the result;
 * failures retry with backoff through the outbox, then land in the dead letter queue.
 */
@injectable()
export class OutboundWorker implements LaneWorker {
  private readonly limiter: RateLimiter;

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    private readonly runtimes: IntegrationRuntimes,
    private readonly kinds: RecordKinds,
    private readonly deadLetters: DeadLetterQueue,
    private readonly metrics: SyncMetrics,
  ) {
    this.limiter = new RateLimiter(db);
  }

  claim(owner: string, limit: number): Promise<Record<string, unknown>[]> {
    return claimHeads(this.db, OUTBOX, owner, this.clock.now(), this.settings.leaseMs, limit);
  }

  async handle(owner: string, row: Record<string, unknown>): Promise<void> {
    const entry = toOutboxEntry(row);
    const runtime = await this.runtimes.load(entry.integration_id);
    const type = runtime?.type ?? 'unknown';
    const end = this.metrics.jobDuration.startTimer({ direction: 'outbound', integration_type: type });
    const attributes = {
      'sync.integration_id': entry.integration_id,
      'sync.integration_type': type,
      'sync.direction': 'outbound',
      ...recordAttributes(entry.record_kind, entry.record_id),
    };
    try {
      await inSpan(SPANS.outbound, attributes, async (span) => {
        let result: string;
        try {
          const kind = this.kinds.find(entry.record_kind);
          const sends = runtime && kind && runtime.enabled && sendsOutbound(runtime.directionFor(kind.name));
          const outcome = sends ? await this.deliver(runtime, kind, { ...entry, owner }, span) : 'skipped';
          // A successful delivery removes its job in the statement that records the result.
          if (outcome !== 'success') await completeJob(this.db, entry.id, owner);
          if (outcome === 'success') this.metrics.latency.observe({ integration_type: type }, (this.clock.now().getTime() - entry.created_at.getTime()) / 1000);
          result = outcome;
        } catch (err) {
          result = await this.failed(owner, entry, runtime, err);
        }
        span.setAttribute('sync.result', result === 'dead_letter' ? 'error' : result);
        this.metrics.jobs.inc({ direction: 'outbound', integration_type: type, result });
      });
    } finally {
      end();
    }
  }

  private async deliver(runtime: IntegrationRuntime, kind: RecordKindDefinition, entry: LeasedEntry, span: Span): Promise<Outcome> {
    const key = { kind: kind.name, recordId: entry.record_id, integrationId: runtime.id };
    const found = await recordForDelivery(this.db, { name: kind.table ?? 'hub_records', generic: !kind.table }, key);
    if (!found) return 'skipped';
    const record = toRecord(kind, found.record);
    const { link, held } = found;
    if (entry.job === 'journal') return this.deliverEntry(runtime, entry, link);
    const existing = Boolean(link?.external_id);
    const owners = runtime.ownersFor(kind.name);
    const mappings = runtime.mappingsFor(kind.name);
    const { values, missing } = await referencesOut(this.db, runtime.id, kind, record.values);
    if (missing.length > 0) {
      const names = missing.map((m) => `${m.field} → ${m.kind} ${m.id}`).join(', ');
      throw new Error(`Waiting for referenced records to exist on ${runtime.row.name}: ${names}.`);
    }
    const desired = desiredExternal(values, mappings, (m) => {
      const skip = held.has(m.field) || (existing && !entry.corrective && owners.get(m.field)?.owner === 'external');
      traceField(this.settings.trace, span, m.field, skip ? (held.has(m.field) ? 'held_by_conflict' : 'skipped_by_ownership') : 'mapped', m.externalField);
      return skip;
    });
    span.setAttribute('sync.field_count', Object.keys(desired).length);
    const linkKey: LinkKey = { ...key, organizationId: record.organization_id };
    if (!link?.external_id) return this.create(runtime, entry, record, linkKey, link, desired, span);
    span.setAttribute('sync.external_id', link.external_id);
    return this.update(runtime, entry, linkKey, link, desired);
  }

  private async create(runtime: IntegrationRuntime, entry: LeasedEntry, record: HubRecord, key: LinkKey, link: Link | undefined, desired: ExternalValues, span: Span): Promise<Outcome> {
    if (!matchesCreateFilter(runtime, record)) return 'skipped';
    if (!runtime.supports(record.kind, 'create')) throw undeliverable(`The ${runtime.type} adapter cannot create ${record.kind} records.`, 'config');
    const scope = { entityType: record.kind, entityId: record.id };
    // A previous attempt may have created it and lost the answer: look it up before repeating.
    let created = entry.attempts > 0 || link
      ? await withAuditScope({ operation: 'find', ...scope }, async () => runtime.adapter.find?.({ kind: record.kind, correlationId: record.id }))
      : undefined;
    let warnings: string[] | undefined;
    if (!created) {
      const op: WriteOperation = { op: 'create', kind: record.kind, correlationId: record.id, fields: desired };
      await this.takeSlot(runtime);
      await saveLink(this.db, key, { in_flight: desired }, this.clock.now());
      const result = await withAuditScope({ operation: 'create', ...scope }, () => this.write(runtime, op));
      created = result.record;
      warnings = result.warnings;
    }
    if (!created) throw new Error(`${runtime.type} adapter returned no record for a create`);
    span.setAttribute('sync.external_id', created.id);
    await this.linked(runtime, entry, key, created, { ...desired, ...mappedExternal(created.fields, runtime.mappingsFor(record.kind)) }, warnings);
    return 'success';
  }

  private async update(runtime: IntegrationRuntime, entry: LeasedEntry, key: LinkKey, link: Link, desired: ExternalValues): Promise<Outcome> {
    const changed = changedExternal(desired, link.base);
    const ignored = { ...link.ignored };
    for (const [field, value] of Object.entries(changed)) {
      if (!(field in ignored)) continue;
      if (JSON.stringify(ignored[field]) === JSON.stringify(value)) delete changed[field];
      else delete ignored[field];
    }
    if (Object.keys(changed).length === 0) {
      if (link.sync_status !== 'synced' && link.sync_status !== 'conflict') await saveLink(this.db, key, { sync_status: 'synced', last_error: null, retry_count: 0 }, this.clock.now());
      return 'skipped';
    }
    if (!runtime.supports(key.kind, 'update')) throw undeliverable(`The ${runtime.type} adapter cannot update ${key.kind} records.`, 'config');
    const externalId = link.external_id as string;
    const op: WriteOperation = { op: 'update', kind: key.kind, id: externalId, fields: changed, expectedVersion: link.last_synced_version ?? undefined };
    await this.takeSlot(runtime);
    await saveLink(this.db, key, { in_flight: changed }, this.clock.now());
    const result = await withAuditScope({ operation: 'update', entityType: key.kind, entityId: key.recordId, externalId }, () => this.write(runtime, op));
    const record = result.record ?? { kind: key.kind, id: externalId, fields: {}, version: link.last_synced_version ?? undefined };
    // Fields the hub only reads may be derived from what it wrote (ServiceNow priority from impact
    // and urgency): take them from the answer, or the next webhook would look like no change.
    const derived = mappedExternal(record.fields, runtime.mappingsFor(key.kind).filter((m) => m.direction === 'inbound'));
    await this.linked(runtime, entry, key, record, { ...derived, ...changed }, result.warnings, ignored);
    return 'success';
  }

  private async deliverEntry(runtime: IntegrationRuntime, entry: LeasedEntry, link: Link | undefined): Promise<Outcome> {
    if (!link) return 'skipped';
    const label = this.kinds.get(entry.record_kind).label;
    if (!link.external_id) throw undeliverable(`The ${label} does not exist on ${runtime.row.name} yet (its create failed), so the comment cannot be added.`, 'user');
    const comment = entry.journal_id ? await journalEntry(this.db, entry.journal_id) : undefined;
    if (!comment) return 'skipped';
    const sent = await sentEntry(this.db, comment.id, runtime.id);
    if (sent?.external_entry_id) return 'skipped';
    const scope = { entityType: entry.record_kind, entityId: entry.record_id, externalId: link.external_id };
    if (sent || entry.attempts > 0) {
      const found = await withAuditScope({ operation: 'read', ...scope }, () => this.findSentEntry(runtime, entry.record_kind, link.external_id as string, comment.body));
      if (found) {
        await linkEntryAndComplete(this.db, comment.id, runtime.id, found, entry);
        return 'success';
      }
    }
    await markEntrySending(this.db, comment.id, runtime.id);
    await this.takeSlot(runtime);
    const op: WriteOperation = { op: 'comment', kind: entry.record_kind, id: link.external_id, correlationId: comment.id, body: comment.body, visibility: comment.visibility };
    const result = await withAuditScope({ operation: 'comment', ...scope }, () => this.write(runtime, op));
    await linkEntryAndComplete(this.db, comment.id, runtime.id, result.commentId ?? null, entry);
    return 'success';
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
   * Records a successful write and completes the job in one statement. `synced` holds the
   * platform values the write established (see `recordWrite`).
   */
  private async linked(runtime: IntegrationRuntime, entry: LeasedEntry, key: LinkKey, record: ExternalRecord, synced: ExternalValues, warnings: string[] | undefined, ignored?: ExternalValues): Promise<void> {
    const now = this.clock.now().toISOString();
    const warning = warnings?.length ? `warning: ${warnings.join('; ')}` : null;
    await recordWrite(this.db, runtime.versionsFor(key.kind), key, record, { synced, ignored, warning, now }, entry);
    if (warning) this.logger.warn({ integration_id: runtime.id, record_kind: key.kind, record_id: key.recordId, warnings }, 'platform accepted the write with warnings');
  }

  private async write(runtime: IntegrationRuntime, op: WriteOperation): Promise<Extract<WriteResult, { ok: true }>> {
    if (!runtime.adapter.write) throw undeliverable(`The ${runtime.type} adapter cannot write ${op.kind} records.`, 'config', op);
    const [result] = await runtime.adapter.write([op]);
    if (!result) throw new Error(`${runtime.type} adapter returned no result`);
    if (!result.ok) throw new WriteFailed(result, op);
    return result;
  }

  private async takeSlot(runtime: IntegrationRuntime): Promise<void> {
    const wait = await this.limiter.acquire(runtime.id, runtime.rateLimitPerMinute, this.clock.now());
    if (wait > 0) throw new RateLimited(wait);
  }

  /** Decides retry or dead letter for a failed job; returns the metric result. */
  private async failed(owner: string, entry: OutboxEntry, runtime: IntegrationRuntime | undefined, err: unknown): Promise<string> {
    const now = this.clock.now();
    if (err instanceof RateLimited) {
      // Waiting for our own budget is not a failed attempt.
      await reschedule(this.db, OUTBOX, entry.id, owner, new Date(now.getTime() + err.waitMs), entry.attempts, err.message);
      return 'retry';
    }
    const attempts = entry.attempts + 1;
    const failure = err instanceof WriteFailed ? err.failure : undefined;
    const message = failure ? failure.vendorMessage || failure.error.message : (err as Error).message;
    const transient = !failure || ['retry', 'rate_limited', 'refresh_auth'].includes(failure.error.action);
    if (failure?.error.action === 'ignore') {
      await completeJob(this.db, entry.id, owner);
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
      kind: failure?.error.kind,
      request: err instanceof WriteFailed ? err.request : undefined,
      attempts,
    });
    this.metrics.deadLettered.inc({ integration_type: runtime?.type ?? 'unknown' });
    return 'dead_letter';
  }
}

function matchesCreateFilter(runtime: IntegrationRuntime, record: HubRecord): boolean {
  const filter = createFilterOf(runtime.settings, record.kind);
  return Object.entries(filter).every(([field, allowed]) => allowed?.includes(String(record.values[field] ?? '')));
}
