import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalComment, ExternalRecord } from '../contracts/ExternalRecord';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { canonicalFrom, mappedExternal, sendsOut, takesIn, toCanonicalValue, toExternalValue, type ExternalValues } from '../mapping/FieldMapper';
import { IncidentService } from '../records/IncidentService';
import { acceptedValues, type Incident, type IncidentColumn, type IncidentValues } from '../records/incidentSchemas';
import { conflictWinner } from './conflictRule';
import type { IntegrationRuntime } from './IntegrationRuntimes';
import { findLink, findLinkByExternalId, isOlderVersion, newerVersion, saveLink, type Link } from './links';
import { SyncMetrics } from './SyncMetrics';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals } from './Wakeup';
import { inSpan, SPANS, traceField } from './tracing';

interface Decisions {
  changes: Partial<IncidentValues>;
  corrective: string[];
  base: ExternalValues;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * One inbound path for webhooks and polling: maps the platform record back, drops echoes, applies
 * the three-way conflict rule, the integration's strategy and ownership, then `records.apply`
 * with the integration as origin (fan-out to the others; back to it only as a corrective write).
 */
@injectable()
export class InboundProcessor {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly incidents: IncidentService,
    private readonly metrics: SyncMetrics,
  ) {}

  /** Applies the platform's current state of one record; returns what happened. */
  async apply(runtime: IntegrationRuntime, record: ExternalRecord, span: Span): Promise<'created' | 'updated' | 'unchanged' | 'skipped'> {
    const outcome = await this.db.transaction(async (tx) => {
      const link = await this.linkFor(tx, runtime, record);
      if (link === 'skip') return 'skipped';
      if (!link) return this.createFromPlatform(tx, runtime, record);
      const incident = await this.incidents.lock(tx, runtime.organizationId, link.incident_id);
      const current = await findLink(tx, incident.id, runtime.id, true);
      // A read that lags behind our own latest write would look like the platform undoing it.
      if (!current || isOlderVersion(record.version, current.last_synced_version)) return 'skipped';
      const decisions = await inSpan(SPANS.detectConflict, { 'sync.integration_id': runtime.id, 'sync.incident_id': incident.id, 'sync.external_id': record.id }, (s) =>
        this.decide(tx, runtime, incident, current, record, s),
      );
      span.setAttribute('sync.field_count', Object.keys(decisions.changes).length);
      const at = record.updatedAt ? new Date(record.updatedAt) : this.clock.now();
      const { values, rejected } = acceptedValues(decisions.changes);
      this.reportRejected(runtime, record, rejected);
      const updated = await this.incidents.applyIn(tx, incident, values, { origin: runtime.id, at, correctiveFields: decisions.corrective });
      const comments = await this.importComments(tx, runtime, incident.id, record.comments ?? []);
      const pending = await tx.query(`SELECT 1 FROM conflict_records WHERE incident_id = $1 AND integration_id = $2 AND status = 'pending' LIMIT 1`, [incident.id, runtime.id]);
      await saveLink(tx, incident.id, runtime.id, {
        base: { ...current.base, ...decisions.base },
        last_synced_version: newerVersion(record.version, current.last_synced_version),
        sync_status: pending.length > 0 ? 'conflict' : current.sync_status === 'dead_letter' ? 'dead_letter' : 'synced',
        ...(record.number ? { external_number: record.number } : {}),
        ...(record.url ? { external_url: record.url } : {}),
        last_synced_at: this.clock.now().toISOString(),
      }, this.clock.now());
      return updated.version !== incident.version || comments > 0 || decisions.corrective.length > 0 ? 'updated' : 'unchanged';
    });
    if (outcome === 'created' || outcome === 'updated') this.signals.outbox.notify();
    return outcome;
  }

  /**
   * The link of a platform record; adopts a record carrying a hub id. 'skip' while the hub's own
   * create is unanswered, or when the incident is linked to another record on this integration.
   */
  private async linkFor(tx: EntityManager, runtime: IntegrationRuntime, record: ExternalRecord): Promise<Link | 'skip' | undefined> {
    const link = await findLinkByExternalId(tx, runtime.id, record.id);
    if (link || !record.correlationId) return link;
    const owned = await tx.query(`SELECT id FROM incidents WHERE id = $1 AND organization_id = $2`, [record.correlationId, runtime.organizationId]);
    if (owned.length === 0) return undefined;
    const existing = await findLink(tx, record.correlationId, runtime.id, true);
    if (existing) return existing.external_id === record.id ? existing : 'skip';
    return saveLink(tx, record.correlationId, runtime.id, {
      external_id: record.id,
      base: mappedExternal(record.fields, runtime.mappings),
      last_synced_version: record.version ?? null,
      sync_status: 'synced',
    }, this.clock.now());
  }

  private async createFromPlatform(tx: EntityManager, runtime: IntegrationRuntime, record: ExternalRecord): Promise<'created'> {
    const { values, rejected } = acceptedValues(canonicalFrom(record.fields, runtime.mappings));
    this.reportRejected(runtime, record, rejected);
    const input = {
      ...values,
      title: values.title ?? record.number ?? `${runtime.type} ${record.id}`,
      status: values.status ?? 'new',
    };
    const at = record.updatedAt ? new Date(record.updatedAt) : this.clock.now();
    const incident = await this.incidents.createIn(tx, runtime.organizationId, input, { origin: runtime.id, at });
    await saveLink(tx, incident.id, runtime.id, {
      external_id: record.id,
      external_number: record.number ?? null,
      external_url: record.url ?? null,
      base: mappedExternal(record.fields, runtime.mappings),
      last_synced_version: record.version ?? null,
      sync_status: 'synced',
      last_synced_at: this.clock.now().toISOString(),
    }, this.clock.now());
    await this.importComments(tx, runtime, incident.id, record.comments ?? []);
    return 'created';
  }

  private async decide(tx: EntityManager, runtime: IntegrationRuntime, incident: Incident, link: Link, record: ExternalRecord, span: Span): Promise<Decisions> {
    const decisions: Decisions = { changes: {}, corrective: [], base: {} };
    const held = new Set<string>(
      (await tx.query(`SELECT field_name FROM conflict_records WHERE incident_id = $1 AND integration_id = $2 AND status = 'pending'`, [incident.id, runtime.id])).map(
        (r: { field_name: string }) => r.field_name,
      ),
    );
    const seen = new Set<string>();
    for (const mapping of runtime.mappings) {
      if (!takesIn(mapping) || !(mapping.externalField in record.fields)) continue;
      const ef = mapping.externalField;
      const e = record.fields[ef] ?? null;
      const b = link.base[ef] ?? null;
      if (e === b) continue;
      decisions.base[ef] = e;
      const trace = (decision: string) => traceField(this.settings.trace, span, mapping.field, decision, ef);
      if (link.in_flight[ef] === e) {
        trace('echo');
        continue;
      }
      if (seen.has(mapping.field)) continue;
      seen.add(mapping.field);
      if (held.has(mapping.field)) {
        const latest = toCanonicalValue(mapping, e);
        await tx.query(`UPDATE conflict_records SET external_value = $4 WHERE incident_id = $1 AND integration_id = $2 AND field_name = $3 AND status = 'pending'`, [incident.id, runtime.id, mapping.field, str(latest ?? e)]);
        trace('held_by_conflict');
        continue;
      }
      const canonical = toCanonicalValue(mapping, e);
      if (canonical === undefined) {
        trace('unmapped_value');
        continue;
      }
      const space = comparisonSpace(runtime.mappings, mapping, incident, b, e, canonical);
      if (space.p === space.e) {
        trace('already_equal');
        continue;
      }
      const owner = runtime.owners.get(mapping.field)?.owner;
      if (owner === 'platform') {
        decisions.corrective.push(mapping.field);
        trace('rejected_hub_owned');
        continue;
      }
      if (owner === 'external' || space.p === space.b) {
        (decisions.changes as Record<string, unknown>)[mapping.field] = canonical;
        trace('applied');
        continue;
      }
      const winner = conflictWinner({
        strategy: runtime.strategy,
        owner,
        platformChangedAt: incident.field_changes[mapping.field] ? new Date(incident.field_changes[mapping.field].at) : undefined,
        externalChangedAt: record.updatedAt ? new Date(record.updatedAt) : this.clock.now(),
        windowMs: this.settings.conflictWindowMs,
      });
      trace(`conflict_${winner}`);
      await this.recordConflict(tx, runtime, incident, mapping, { platform: str(incident[mapping.field as IncidentColumn]), external: str(canonical), base: b }, winner);
      if (winner === 'external') (decisions.changes as Record<string, unknown>)[mapping.field] = canonical;
      if (winner === 'platform') decisions.corrective.push(mapping.field);
    }
    span.setAttribute('sync.field_count', Object.keys(decisions.base).length);
    return decisions;
  }

  private async recordConflict(
    tx: EntityManager,
    runtime: IntegrationRuntime,
    incident: Incident,
    mapping: FieldMapping,
    values: { platform: string | null; external: string | null; base: string | null },
    winner: 'platform' | 'external' | 'pending',
  ): Promise<void> {
    const now = this.clock.now().toISOString();
    await tx.query(
      `INSERT INTO conflict_records (id, organization_id, incident_id, integration_id, field_name, external_field, platform_value, external_value, base_value, status, resolution, strategy, detected_at, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
      [randomUUID(), runtime.organizationId, incident.id, runtime.id, mapping.field, mapping.externalField, values.platform, values.external, values.base,
        winner === 'pending' ? 'pending' : 'resolved', winner === 'pending' ? null : `auto:use_${winner}`, runtime.strategy, now, winner === 'pending' ? null : now],
    );
    this.metrics.conflicts.inc({ strategy: runtime.strategy, outcome: winner });
  }

  private reportRejected(runtime: IntegrationRuntime, record: ExternalRecord, fields: string[]): void {
    if (fields.length === 0) return;
    this.logger.warn({ integration_id: runtime.id, external_id: record.id, fields }, 'platform values the hub does not accept were not applied');
  }

  /** Adds platform comments the hub has not seen; our own comments coming back are matched, not added. */
  private async importComments(tx: EntityManager, runtime: IntegrationRuntime, incidentId: string, comments: ExternalComment[]): Promise<number> {
    let added = 0;
    for (const comment of comments) {
      const known = await tx.query(`SELECT 1 FROM incident_comment_links WHERE integration_id = $1 AND external_comment_id = $2`, [runtime.id, comment.id]);
      if (known.length > 0) continue;
      const sending = await tx.query(
        `SELECT cl.comment_id FROM incident_comment_links cl JOIN incident_comments c ON c.id = cl.comment_id
          WHERE cl.integration_id = $1 AND cl.external_comment_id IS NULL AND c.incident_id = $2 AND btrim(c.body) = btrim($3)
          ORDER BY c.seq LIMIT 1`,
        [runtime.id, incidentId, comment.body],
      );
      if (sending.length > 0) {
        await tx.query(`UPDATE incident_comment_links SET external_comment_id = $3 WHERE comment_id = $1 AND integration_id = $2`, [sending[0].comment_id, runtime.id, comment.id]);
        continue;
      }
      const at = comment.createdAt ? new Date(comment.createdAt) : undefined;
      const added_ = await this.incidents.addCommentIn(tx, runtime.organizationId, incidentId, { body: comment.body, author: comment.author, visibility: comment.visibility }, runtime.id, at && !Number.isNaN(at.getTime()) ? at : undefined);
      await tx.query(`INSERT INTO incident_comment_links (comment_id, integration_id, external_comment_id) VALUES ($1, $2, $3)`, [added_.id, runtime.id, comment.id]);
      added += 1;
    }
    return added;
  }
}

/**
 * Values compared in the platform's representation when the field also goes out through the same
 * platform field (so lossy value maps never look like changes); otherwise in canonical form.
 */
function comparisonSpace(mappings: readonly FieldMapping[], mapping: FieldMapping, incident: Incident, b: string | null, e: string | null, canonical: string | number | null) {
  const hubValue = incident[mapping.field as IncidentColumn];
  const outbound = mappings.find((m) => sendsOut(m) && m.externalField === mapping.externalField && m.field === mapping.field);
  if (outbound) return { p: toExternalValue(outbound, hubValue), b, e };
  const baseCanonical = toCanonicalValue(mapping, b);
  return { p: str(hubValue), b: baseCanonical === undefined ? b : str(baseCanonical), e: str(canonical) };
}
