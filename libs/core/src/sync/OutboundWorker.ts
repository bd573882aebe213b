import type { Span } from '@opentelemetry/api';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { Logger } from '../contracts/Logger';
import type { ErrorClassification, WriteOperation, WriteResult } from '../contracts/WriteOperation';
import { TOKENS } from '../di/tokens';
import { changedExternal, desiredExternal, mappedExternal, type ExternalValues } from '../mapping/FieldMapper';
import { toComment, toIncident } from '../records/incidentRows';
import type { Incident } from '../records/incidentSchemas';
import { DeadLetterQueue, type OutboxEntry } from './DeadLetterQueue';
import { IntegrationRuntimes, sendsOutbound, type IntegrationRuntime } from './IntegrationRuntimes';
import { claimHeads, OUTBOX, reschedule, type LaneWorker } from './lanes';
import { saveLink, toLink, type Link } from './links';
import { RateLimiter } from './RateLimiter';
import { SyncMetrics } from './SyncMetrics';
import { backoffDelay, type SyncSettings } from './SyncSettings';
import { inSpan, SPANS, traceField } from './tracing';

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
 * Delivers outbox entries to platforms: claims lane heads, maps the incident, creates or updates
 * only what differs from the link's base, and records the result; failures retry with backoff
 * through the outbox, then land in the dead letter queue.
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
    private readonly deadLetters: DeadLetterQueue,
    private readonly metrics: SyncMetrics,
  ) {
    this.limiter = new RateLimiter(db);
  }

  claim(owner: string, limit: number): Promise<Record<string, unknown>[]> {
    return claimHeads(this.db, OUTBOX, owner, this.clock.now(), this.settings.leaseMs, limit);
  }

  async handle(owner: string, row: Record<string, unknown>): Promise<void> {
    const entry = toEntry(row);
    const runtime = await this.runtimes.load(entry.integration_id);
    const type = runtime?.type ?? 'unknown';
    const end = this.metrics.jobDuration.startTimer({ direction: 'outbound', integration_type: type });
    const attributes = {
      'sync.integration_id': entry.integration_id,
      'sync.integration_type': type,
      'sync.direction': 'outbound',
      'sync.incident_id': entry.incident_id,
    };
    try {
      await inSpan(SPANS.outbound, attributes, async (span) => {
        let result: string;
        try {
          const outcome = runtime && runtime.enabled && sendsOutbound(runtime.direction) ? await this.deliver(runtime, { ...entry, owner }, span) : 'skipped';
          // A successful delivery removes its entry in the statement that records the result.
          if (outcome !== 'success') await this.complete(entry, owner);
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

  private async deliver(runtime: IntegrationRuntime, entry: LeasedEntry, span: Span): Promise<Outcome> {
    // The incident, its link on this integration and the fields held by pending conflicts, in one read.
    const [row] = await this.db.query(
      `SELECT to_jsonb(i) AS incident, to_jsonb(l) AS link,
              ARRAY(SELECT c.field_name FROM conflict_records c WHERE c.incident_id = i.id AND c.integration_id = $2 AND c.status = 'pending') AS held
         FROM incidents i LEFT JOIN incident_external_links l ON l.incident_id = i.id AND l.integration_id = $2
        WHERE i.id = $1`,
      [entry.incident_id, runtime.id],
    );
    if (!row) return 'skipped';
    const incident = toIncident(row.incident);
    const link = row.link ? toLink(row.link) : undefined;
    if (entry.kind === 'comment') return this.deliverComment(runtime, entry, link);
    const held = new Set<string>(row.held);
    const existing = Boolean(link?.external_id);
    const desired = desiredExternal(incident, runtime.mappings, (m) => {
      const skip = held.has(m.field) || (existing && !entry.corrective && runtime.owners.get(m.field)?.owner === 'external');
      traceField(this.settings.trace, span, m.field, skip ? (held.has(m.field) ? 'held_by_conflict' : 'skipped_by_ownership') : 'mapped', m.externalField);
      return skip;
    });
    span.setAttribute('sync.field_count', Object.keys(desired).length);
    if (!link?.external_id) return this.create(runtime, entry, incident, link, desired, span);
    span.setAttribute('sync.external_id', link.external_id);
    return this.update(runtime, entry, incident, link, desired);
  }

  private async create(runtime: IntegrationRuntime, entry: LeasedEntry, incident: Incident, link: Link | undefined, desired: ExternalValues, span: Span): Promise<Outcome> {
    if (!matchesCreateFilter(runtime, incident)) return 'skipped';
    // A previous attempt may have created it and lost the answer: look it up before repeating.
    let record = entry.attempts > 0 || link ? await runtime.adapter.find?.({ kind: 'incident', correlationId: incident.id }) : undefined;
    let warnings: string[] | undefined;
    if (!record) {
      const op: WriteOperation = { op: 'create', kind: 'incident', correlationId: incident.id, fields: desired };
      await this.takeSlot(runtime);
      await saveLink(this.db, incident.id, runtime.id, { in_flight: desired }, this.clock.now());
      const result = await this.write(runtime, op);
      record = result.record;
      warnings = result.warnings;
    }
    if (!record) throw new Error(`${runtime.type} adapter returned no record for a create`);
    span.setAttribute('sync.external_id', record.id);
    await this.linked(runtime, entry, record, { ...desired, ...mappedExternal(record.fields, runtime.mappings) }, warnings);
    return 'success';
  }

  private async update(runtime: IntegrationRuntime, entry: LeasedEntry, incident: Incident, link: Link, desired: ExternalValues): Promise<Outcome> {
    const changed = changedExternal(desired, link.base);
    const ignored = { ...link.ignored };
    for (const [field, value] of Object.entries(changed)) {
      if (!(field in ignored)) continue;
      if (ignored[field] === value) delete changed[field];
      else delete ignored[field];
    }
    if (Object.keys(changed).length === 0) {
      if (link.sync_status !== 'synced' && link.sync_status !== 'conflict') await saveLink(this.db, incident.id, runtime.id, { sync_status: 'synced', last_error: null, retry_count: 0 }, this.clock.now());
      return 'skipped';
    }
    const op: WriteOperation = { op: 'update', kind: 'incident', id: link.external_id as string, fields: changed, expectedVersion: link.last_synced_version ?? undefined };
    await this.takeSlot(runtime);
    await saveLink(this.db, incident.id, runtime.id, { in_flight: changed }, this.clock.now());
    const result = await this.write(runtime, op);
    const record = result.record ?? { kind: 'incident', id: link.external_id as string, fields: {}, version: link.last_synced_version ?? undefined };
    // Fields the hub only reads may be derived from what it wrote (ServiceNow priority from impact
    // and urgency): take them from the answer, or the next webhook would look like no change.
    const derived = mappedExternal(record.fields, runtime.mappings.filter((m) => m.direction === 'inbound'));
    const synced = { ...derived, ...changed };
    await this.linked(runtime, entry, record, synced, result.warnings, ignored);
    return 'success';
  }

  private async deliverComment(runtime: IntegrationRuntime, entry: LeasedEntry, link: Link | undefined): Promise<Outcome> {
    if (!link) return 'skipped';
    if (!link.external_id) throw undeliverable(`The incident does not exist on ${runtime.row.name} yet (its create failed), so the comment cannot be added.`, 'user');
    const rows = await this.db.query(`SELECT * FROM incident_comments WHERE id = $1`, [entry.comment_id]);
    if (rows.length === 0) return 'skipped';
    const comment = toComment(rows[0]);
    const sent = await this.db.query(`SELECT external_comment_id FROM incident_comment_links WHERE comment_id = $1 AND integration_id = $2`, [comment.id, runtime.id]);
    if (sent[0]?.external_comment_id) return 'skipped';
    if (sent.length > 0 || entry.attempts > 0) {
      const found = await this.findSentComment(runtime, link.external_id, comment.body);
      if (found) {
        await this.commentLinked(entry, comment.id, found);
        return 'success';
      }
    }
    await this.db.query(
      `INSERT INTO incident_comment_links (comment_id, integration_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [comment.id, runtime.id],
    );
    await this.takeSlot(runtime);
    const op: WriteOperation = { op: 'comment', kind: 'incident', id: link.external_id, correlationId: comment.id, body: comment.body, visibility: comment.visibility };
    const result = await this.write(runtime, op);
    await this.commentLinked(entry, comment.id, result.commentId ?? null);
    return 'success';
  }

  /** A comment whose body matches and that no hub comment is linked to yet. */
  private async findSentComment(runtime: IntegrationRuntime, externalId: string, body: string): Promise<string | undefined> {
    const record = await runtime.adapter.read?.('incident', externalId);
    for (const candidate of record?.comments ?? []) {
      if (candidate.body.trim() !== body.trim()) continue;
      const taken = await this.db.query(`SELECT 1 FROM incident_comment_links WHERE integration_id = $1 AND external_comment_id = $2`, [runtime.id, candidate.id]);
      if (taken.length === 0) return candidate.id;
    }
    return undefined;
  }

  private async commentLinked(entry: LeasedEntry, commentId: string, externalId: string | null): Promise<void> {
    await this.db.query(
      `WITH sent AS (
         INSERT INTO incident_comment_links (comment_id, integration_id, external_comment_id) VALUES ($1, $2, $3)
         ON CONFLICT (comment_id, integration_id) DO UPDATE SET external_comment_id = $3)
       DELETE FROM sync_outbox WHERE id = $4 AND lease_owner = $5`,
      [commentId, entry.integration_id, externalId, entry.id, entry.owner],
    );
  }

  /**
   * Records a successful write and completes the entry in one statement. `synced` holds the
   * platform values the write established; they are merged into the base as it is at that moment,
   * so inbound changes stored while the platform was being called are kept, and the newer of two
   * comparable versions wins.
   */
  private async linked(runtime: IntegrationRuntime, entry: LeasedEntry, record: ExternalRecord, synced: ExternalValues, warnings: string[] | undefined, ignored?: ExternalValues): Promise<void> {
    const now = this.clock.now().toISOString();
    const warning = warnings?.length ? `warning: ${warnings.join('; ')}` : null;
    await this.db.query(
      `WITH link AS (
         INSERT INTO incident_external_links AS l (id, incident_id, integration_id, external_id, external_number, external_url, last_synced_version,
                last_synced_hash, base, in_flight, ignored, sync_status, retry_count, last_error, last_synced_at, created_at, updated_at)
         VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, md5($7::jsonb::text), $7::jsonb, '{}', COALESCE($8::jsonb, '{}'), 'synced', 0, $9, $10, $10, $10)
         ON CONFLICT (incident_id, integration_id) DO UPDATE SET
           external_id = EXCLUDED.external_id,
           external_number = COALESCE(EXCLUDED.external_number, l.external_number),
           external_url = COALESCE(EXCLUDED.external_url, l.external_url),
           last_synced_version = CASE
             WHEN EXCLUDED.last_synced_version ~ '^[0-9]{1,15}$' AND l.last_synced_version ~ '^[0-9]{1,15}$'
                  AND l.last_synced_version::bigint > EXCLUDED.last_synced_version::bigint THEN l.last_synced_version
             ELSE COALESCE(EXCLUDED.last_synced_version, l.last_synced_version) END,
           base = l.base || EXCLUDED.base,
           last_synced_hash = md5((l.base || EXCLUDED.base)::text),
           in_flight = '{}',
           ignored = COALESCE($8::jsonb, l.ignored),
           sync_status = 'synced', retry_count = 0, last_error = $9, last_synced_at = $10, updated_at = $10),
       state AS (
         INSERT INTO sync_integration_state (integration_id, last_success_at) VALUES ($2, $10)
         ON CONFLICT (integration_id) DO UPDATE SET last_success_at = $10)
       DELETE FROM sync_outbox WHERE id = $11 AND lease_owner = $12`,
      [entry.incident_id, runtime.id, record.id, record.number ?? null, record.url ?? null, record.version ?? null, JSON.stringify(synced),
        ignored ? JSON.stringify(ignored) : null, warning, now, entry.id, entry.owner],
    );
    if (warning) this.logger.warn({ integration_id: runtime.id, incident_id: entry.incident_id, warnings }, 'platform accepted the write with warnings');
  }

  private async write(runtime: IntegrationRuntime, op: WriteOperation): Promise<Extract<WriteResult, { ok: true }>> {
    if (!runtime.adapter.write) throw undeliverable(`The ${runtime.type} adapter cannot write incidents.`, 'config', op);
    const [result] = await runtime.adapter.write([op]);
    if (!result) throw new Error(`${runtime.type} adapter returned no result`);
    if (!result.ok) throw new WriteFailed(result, op);
    return result;
  }

  private async takeSlot(runtime: IntegrationRuntime): Promise<void> {
    const wait = await this.limiter.acquire(runtime.id, runtime.rateLimitPerMinute, this.clock.now());
    if (wait > 0) throw new RateLimited(wait);
  }

  private async complete(entry: OutboxEntry, owner: string): Promise<void> {
    await this.db.query(`DELETE FROM sync_outbox WHERE id = $1 AND lease_owner = $2`, [entry.id, owner]);
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
      await this.complete(entry, owner);
      return 'skipped';
    }
    if (transient && attempts <= this.settings.maxRetries) {
      const at = new Date(now.getTime() + backoffDelay(this.settings, attempts, failure?.error.retryAfterMs));
      await reschedule(this.db, OUTBOX, entry.id, owner, at, attempts, message);
      await saveLink(this.db, entry.incident_id, entry.integration_id, { sync_status: 'error', retry_count: attempts, last_error: message }, now);
      await this.deadLetters.markError(this.db, entry.integration_id, message);
      if (!failure) this.logger.error({ integration_id: entry.integration_id, incident_id: entry.incident_id, err: message }, 'outbound job failed');
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

function matchesCreateFilter(runtime: IntegrationRuntime, incident: Incident): boolean {
  const filter = runtime.settings.create_filter ?? {};
  return Object.entries(filter).every(([field, allowed]) => allowed?.includes(String(incident[field as keyof Incident] ?? '')));
}

function toEntry(row: Record<string, unknown>): OutboxEntry {
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    integration_id: String(row.integration_id),
    incident_id: String(row.incident_id),
    kind: row.kind as OutboxEntry['kind'],
    comment_id: (row.comment_id as string | null) ?? null,
    origin: String(row.origin),
    corrective: Boolean(row.corrective),
    fields: (row.fields as string[]) ?? [],
    attempts: Number(row.attempts),
    created_at: row.created_at instanceof Date ? row.created_at : new Date(String(row.created_at)),
  };
}
