import type { Span } from '@opentelemetry/api';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalComment, ExternalRecord } from '../contracts/ExternalRecord';
import type { FieldMapping } from '../contracts/FieldMapping';
import { displayValue, sameValue, type FieldValue } from '../contracts/FieldValue';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { canonicalFrom, mappedExternal, sendsOut, takesIn, toCanonicalValue, toExternalValue, type ExternalValues } from '../mapping/FieldMapper';
import type { HubRecord } from '../records/HubRecord';
import { acceptedValues } from '../records/kinds/fieldRules';
import { referencedKind, type RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { rulePriority } from '../ownership/OwnershipService';
import { HUB_ORIGIN, RecordService } from '../records/RecordService';
import { conflictWinner, priorityWinner } from './conflictRule';
import type { IntegrationRuntime } from './IntegrationRuntimes';
import { referencesIn } from './references';
import { hasPendingConflict, heldFields, insertConflict, updatePendingExternalValue } from './stores/ConflictStore';
import { externalEntryTaken, linkEntry, unansweredEntryWithBody } from './stores/JournalLinkStore';
import { findLink, findLinkByExternalId, saveLink, writeUnderWay, type Link, type LinkKey } from './stores/LinkStore';
import { pendingWaitingFor, replacePending } from './stores/PendingReferenceStore';
import { refKey, wakeWaiters } from './stores/ReferenceWaits';
import { isOlderVersion, newerVersion } from './stores/versions';
import { SyncMetrics } from './SyncMetrics';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals } from './Wakeup';
import { inSpan, recordAttributes, SPANS, traceField } from './tracing';

/** A hub record that got its platform id in this transaction. */
interface Arrival {
  kind: string;
  recordId: string;
}

interface PendingField {
  field: string;
  value: FieldValue;
  waitingOn: string[];
}

interface Decisions {
  changes: Record<string, FieldValue>;
  corrective: string[];
  base: ExternalValues;
}

/**
 * One inbound path for webhooks and polling, for every kind: maps the platform record back by its
 * kind's mappings, drops echoes, applies the three-way conflict rule, the integration's strategy,
 * ownership and its priority between integrations, then `records.apply` with the integration as
 * origin (fan-out to the others; back to it only as a corrective write).
 */
@injectable()
export class InboundProcessor {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly records: RecordService,
    private readonly kinds: RecordKinds,
    private readonly metrics: SyncMetrics,
  ) {}

  /**
   * Applies the platform's current state of one record; returns what happened. 'writing' when the
   * hub's own write of the record is under way: the read may have caught it half done (a Jira
   * status moved through two transitions shows the first), so the event waits for the write.
   */
  async apply(runtime: IntegrationRuntime, external: ExternalRecord, span: Span): Promise<'created' | 'updated' | 'unchanged' | 'skipped' | 'writing'> {
    const kind = this.kinds.get(external.kind);
    const arrivals: Arrival[] = [];
    const outcome = await this.db.transaction(async (tx) => {
      const link = await this.linkFor(tx, runtime, kind, external, arrivals);
      if (link === 'skip') return 'skipped';
      if (!link) return this.createFromPlatform(tx, runtime, kind, external, arrivals);
      const record = await this.records.lock(tx, runtime.organizationId, kind.name, link.entity_id);
      const key: LinkKey = { organizationId: runtime.organizationId, kind: kind.name, recordId: record.id, integrationId: runtime.id };
      const current = await findLink(tx, key, true);
      const order = runtime.versionsFor(kind.name);
      // A read that lags behind our own latest write would look like the platform undoing it.
      if (!current || isOlderVersion(order, external.version, current.last_synced_version)) return 'skipped';
      if (await writeUnderWay(tx, key)) return 'writing';
      const attributes = {
        'sync.integration_id': runtime.id, 'sync.integration_type': runtime.type, 'sync.direction': 'inbound',
        ...recordAttributes(kind.name, record.id), 'sync.external_id': external.id,
      };
      const decisions = await inSpan(SPANS.detectConflict, attributes, async (s) => {
        const decided = await this.decide(tx, runtime, kind, record, current, external, s);
        s.setAttribute('sync.result', decided.corrective.length > 0 || Object.keys(decided.changes).length > 0 ? 'success' : 'skipped');
        return decided;
      });
      span.setAttribute('sync.field_count', Object.keys(decisions.changes).length);
      const at = external.updatedAt ? new Date(external.updatedAt) : this.clock.now();
      const { values, pending } = await this.acceptable(tx, runtime, kind, external, decisions.changes);
      const updated = await this.records.applyIn(tx, record, values, { origin: runtime.id, at, correctiveFields: decisions.corrective });
      await this.keepPending(tx, key, kind, values, pending);
      const comments = kind.journal ? await this.importEntries(tx, runtime, record, external.comments ?? []) : 0;
      const conflicted = await hasPendingConflict(tx, { kind: kind.name, recordId: record.id, integrationId: runtime.id });
      await saveLink(tx, key, {
        base: { ...current.base, ...decisions.base },
        last_synced_version: newerVersion(order, external.version, current.last_synced_version),
        sync_status: conflicted ? 'conflict' : current.sync_status === 'dead_letter' ? 'dead_letter' : 'synced',
        ...(external.number ? { external_number: external.number } : {}),
        ...(external.url ? { external_url: external.url } : {}),
        ...(external.table ? { external_table: external.table } : {}),
        last_synced_at: this.clock.now().toISOString(),
      }, this.clock.now());
      return updated.version !== record.version || comments > 0 || decisions.corrective.length > 0 ? 'updated' : 'unchanged';
    });
    // Hub jobs parked on a record that now has its platform id are woken once that has committed.
    for (const arrival of arrivals) await wakeWaiters(this.db, runtime.id, arrival.kind, arrival.recordId);
    if (outcome === 'created' || outcome === 'updated') this.signals.outbox.notify();
    return outcome;
  }

  /**
   * The link of a platform record; adopts a record carrying a hub id. 'skip' while the hub's own
   * create is unanswered, or when the hub record is linked to another record on this integration.
   */
  private async linkFor(tx: EntityManager, runtime: IntegrationRuntime, kind: RecordKindDefinition, external: ExternalRecord, arrivals: Arrival[]): Promise<Link | 'skip' | undefined> {
    const link = await findLinkByExternalId(tx, runtime.id, kind.name, external.id);
    if (link || !external.correlationId || !kind.identity.correlationId) return link;
    const owned = await this.records.find(tx, runtime.organizationId, kind.name, external.correlationId);
    if (!owned) return undefined;
    const key: LinkKey = { organizationId: runtime.organizationId, kind: kind.name, recordId: owned.id, integrationId: runtime.id };
    const existing = await findLink(tx, key, true);
    if (existing) return existing.external_id === external.id ? existing : 'skip';
    const adopted = await saveLink(tx, key, {
      external_id: external.id,
      external_table: external.table ?? null,
      base: mappedExternal(external.fields, runtime.mappingsFor(kind.name)),
      last_synced_version: external.version ?? null,
      sync_status: 'synced',
    }, this.clock.now());
    await this.arrived(tx, runtime, kind, owned.id, external.id, arrivals);
    return adopted;
  }

  private async createFromPlatform(tx: EntityManager, runtime: IntegrationRuntime, kind: RecordKindDefinition, external: ExternalRecord, arrivals: Arrival[]): Promise<'created'> {
    const mappings = runtime.mappingsFor(kind.name);
    const { values, pending } = await this.acceptable(tx, runtime, kind, external, canonicalFrom(external.fields, mappings, kind));
    if (values[kind.display] === undefined || values[kind.display] === null) values[kind.display] = external.number ?? `${runtime.type} ${external.id}`;
    const at = external.updatedAt ? new Date(external.updatedAt) : this.clock.now();
    const record = await this.records.createIn(tx, runtime.organizationId, kind.name, values, { origin: runtime.id, at });
    const key: LinkKey = { organizationId: runtime.organizationId, kind: kind.name, recordId: record.id, integrationId: runtime.id };
    await saveLink(tx, key, {
      external_id: external.id,
      external_table: external.table ?? null,
      sync_direction: 'subscribed',
      external_number: external.number ?? null,
      external_url: external.url ?? null,
      base: mappedExternal(external.fields, mappings),
      last_synced_version: external.version ?? null,
      sync_status: 'synced',
      last_synced_at: this.clock.now().toISOString(),
    }, this.clock.now());
    if (kind.journal) await this.importEntries(tx, runtime, record, external.comments ?? []);
    await this.keepPending(tx, key, kind, values, pending);
    await this.arrived(tx, runtime, kind, record.id, external.id, arrivals);
    return 'created';
  }

  /**
   * A platform record now has its hub record: pending references to it from records that came
   * first are filled in, and hub jobs parked on it are woken once this commits (`arrivals`).
   */
  private async arrived(tx: EntityManager, runtime: IntegrationRuntime, kind: RecordKindDefinition, recordId: string, externalId: string, arrivals: Arrival[]): Promise<void> {
    if (!this.kinds.isReferenced(kind.name)) return;
    arrivals.push({ kind: kind.name, recordId });
    for (const row of await pendingWaitingFor(tx, runtime.id, refKey(kind.name, externalId))) {
      const referrer = this.kinds.get(row.record_kind);
      const key: LinkKey = { organizationId: runtime.organizationId, kind: referrer.name, recordId: row.record_id, integrationId: runtime.id };
      const { values, pending } = await this.acceptable(tx, runtime, referrer, { kind: referrer.name, id: externalId, fields: {} }, { [row.field_name]: row.value });
      if (pending.length === 0) {
        const record = await this.records.lock(tx, runtime.organizationId, referrer.name, row.record_id);
        await this.records.applyIn(tx, record, values, { origin: runtime.id, at: this.clock.now() });
      }
      await this.keepPending(tx, key, referrer, values, pending);
    }
  }

  /** Records which reference fields of a record wait for platform records (see PendingReference). */
  private async keepPending(tx: EntityManager, key: LinkKey, kind: RecordKindDefinition, applied: Record<string, FieldValue>, pending: PendingField[]): Promise<void> {
    const settled = Object.keys(applied).filter((field) => referencedKind(kind.fields[field]));
    await replacePending(tx, key, pending, settled);
  }

  /**
   * The canonical values the hub takes: references resolved to hub ids through links, and only
   * values that pass the kind's field rules. A field referring to a platform record the hub does
   * not have yet is pending: kept in the platform's ids and applied once the record arrives.
   */
  private async acceptable(tx: EntityManager, runtime: IntegrationRuntime, kind: RecordKindDefinition, external: ExternalRecord, changes: Record<string, FieldValue>): Promise<{ values: Record<string, FieldValue>; pending: PendingField[] }> {
    const { values, missing } = await referencesIn(tx, runtime.id, kind, changes);
    const pending = new Map<string, PendingField>();
    for (const m of missing) {
      const field = pending.get(m.field) ?? { field: m.field, value: changes[m.field], waitingOn: [] };
      field.waitingOn.push(refKey(m.kind, m.id));
      pending.set(m.field, field);
    }
    const resolved = Object.fromEntries(Object.entries(values).filter(([field]) => !pending.has(field)));
    const { values: accepted, rejected } = acceptedValues(kind, resolved);
    if (rejected.length > 0) {
      this.logger.warn({ integration_id: runtime.id, record_kind: kind.name, external_id: external.id, fields: rejected }, 'platform values the hub does not accept were not applied');
    }
    return { values: accepted, pending: [...pending.values()] };
  }

  private async decide(tx: EntityManager, runtime: IntegrationRuntime, kind: RecordKindDefinition, record: HubRecord, link: Link, external: ExternalRecord, span: Span): Promise<Decisions> {
    const decisions: Decisions = { changes: {}, corrective: [], base: {} };
    const scope = { kind: kind.name, recordId: record.id, integrationId: runtime.id };
    const held = await heldFields(tx, scope);
    const mappings = runtime.mappingsFor(kind.name);
    const owners = runtime.ownersFor(kind.name);
    const seen = new Set<string>();
    let conflicts = 0;
    for (const mapping of mappings) {
      if (!takesIn(mapping) || !(mapping.externalField in external.fields)) continue;
      const ef = mapping.externalField;
      const e = external.fields[ef] ?? null;
      const b = link.base[ef] ?? null;
      if (sameValue(e, b)) continue;
      decisions.base[ef] = e;
      const trace = (decision: string) => traceField(this.settings.trace, span, mapping.field, decision, ef);
      if (ef in link.in_flight && sameValue(link.in_flight[ef], e)) {
        trace('echo');
        continue;
      }
      if (seen.has(mapping.field)) continue;
      seen.add(mapping.field);
      const canonical = toCanonicalValue(mapping, e, kind);
      if (held.has(mapping.field)) {
        await updatePendingExternalValue(tx, scope, mapping.field, displayValue(canonical ?? e));
        trace('held_by_conflict');
        continue;
      }
      if (canonical === undefined) {
        trace('unmapped_value');
        continue;
      }
      const space = comparisonSpace(mappings, mapping, record.values[mapping.field] ?? null, b, e, canonical, kind);
      if (sameValue(space.p, space.e)) {
        trace('already_equal');
        continue;
      }
      const rule = owners.get(mapping.field);
      if (rule?.owner === 'platform') {
        decisions.corrective.push(mapping.field);
        trace('rejected_hub_owned');
        continue;
      }
      if (sameValue(space.p, space.b)) {
        decisions.changes[mapping.field] = canonical;
        trace('applied');
        continue;
      }
      conflicts += 1;
      const winner = await this.conflictWinner(tx, runtime, kind, record, mapping.field, rule, external);
      if (winner === 'applied') {
        decisions.changes[mapping.field] = canonical;
        trace('applied');
        continue;
      }
      trace(`conflict_${winner}`);
      await insertConflict(tx, { ...scope, organizationId: runtime.organizationId }, {
        field: mapping.field, externalField: ef, platform: displayValue(record.values[mapping.field]), external: displayValue(canonical), base: displayValue(b),
        strategy: runtime.strategy, winner,
      }, this.clock.now());
      this.metrics.conflicts.inc({ strategy: runtime.strategy, outcome: winner });
      if (winner === 'external') decisions.changes[mapping.field] = canonical;
      if (winner === 'platform') decisions.corrective.push(mapping.field);
    }
    span.setAttribute('sync.field_count', Object.keys(decisions.base).length);
    span.setAttribute('sync.conflict_count', conflicts);
    return decisions;
  }

  /**
   * Who wins a field both sides changed. When the hub value came from another integration within
   * the conflict window, the two integrations' ownership priorities decide (not under manual
   * review); otherwise an external owner's value applies and the strategy decides the rest.
   */
  private async conflictWinner(
    tx: EntityManager,
    runtime: IntegrationRuntime,
    kind: RecordKindDefinition,
    record: HubRecord,
    field: string,
    rule: { owner: 'platform' | 'external'; priority: number } | undefined,
    external: ExternalRecord,
  ): Promise<'platform' | 'external' | 'pending' | 'applied'> {
    const change = record.field_changes[field];
    const platformChangedAt = change ? new Date(change.at) : undefined;
    const externalChangedAt = external.updatedAt ? new Date(external.updatedAt) : this.clock.now();
    const rivalId = change && change.origin !== HUB_ORIGIN && change.origin !== runtime.id ? change.origin : undefined;
    if (rivalId && runtime.strategy !== 'manual-review') {
      const winner = priorityWinner({
        priority: rule?.priority ?? 0,
        rivalPriority: await rulePriority(tx, rivalId, kind.name, field),
        platformChangedAt,
        externalChangedAt,
        windowMs: this.settings.conflictWindowMs,
      });
      if (winner) return winner;
    }
    if (rule?.owner === 'external') return 'applied';
    return conflictWinner({ strategy: runtime.strategy, owner: rule?.owner, platformChangedAt, externalChangedAt, windowMs: this.settings.conflictWindowMs });
  }

  /** Adds platform journal entries the hub has not seen; our own entries coming back are matched, not added. */
  private async importEntries(tx: EntityManager, runtime: IntegrationRuntime, record: HubRecord, comments: ExternalComment[]): Promise<number> {
    let added = 0;
    for (const comment of comments) {
      if (await externalEntryTaken(tx, runtime.id, comment.id)) continue;
      const sending = await unansweredEntryWithBody(tx, runtime.id, record.kind, record.id, comment.body);
      if (sending) {
        await linkEntry(tx, sending, runtime.id, comment.id);
        continue;
      }
      const at = comment.createdAt ? new Date(comment.createdAt) : undefined;
      const entry = await this.records.addJournalEntryIn(tx, runtime.organizationId, record.kind, record.id, { body: comment.body, author: comment.author, visibility: comment.visibility }, runtime.id, at && !Number.isNaN(at.getTime()) ? at : undefined);
      await linkEntry(tx, entry.id, runtime.id, comment.id);
      added += 1;
    }
    return added;
  }
}

/**
 * Values compared in the platform's representation when the field also goes out through the same
 * platform field (so lossy value maps never look like changes); otherwise in canonical form.
 */
function comparisonSpace(mappings: readonly FieldMapping[], mapping: FieldMapping, hubValue: FieldValue, b: FieldValue, e: FieldValue, canonical: FieldValue, kind: RecordKindDefinition) {
  const outbound = mappings.find((m) => sendsOut(m) && m.externalField === mapping.externalField && m.field === mapping.field);
  if (outbound) return { p: toExternalValue(outbound, hubValue), b, e };
  const baseCanonical = toCanonicalValue(mapping, b, kind);
  return { p: hubValue, b: baseCanonical === undefined ? b : baseCanonical, e: canonical };
}
