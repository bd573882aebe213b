import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { TransportError } from '../errors/HubError';
import { withAuditScope } from '../http/auditScope';
import { createFilterOf } from '../integrations/genericSettings';
import { mappedExternal } from '../mapping/FieldMapper';
import type { HubRecord } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { platformFailureOf, platformRateLimit, RateLimited } from '../sync/deliveryErrors';
import { sendsOutbound, type IntegrationRuntime } from '../sync/IntegrationRuntimes';
import { referencesOut } from '../sync/references';
import type { Link } from '../sync/stores/LinkStore';
import { SyncMetrics } from '../sync/SyncMetrics';
import { backoffDelay, type SyncSettings } from '../sync/SyncSettings';
import { inSpan } from '../sync/tracing';
import { driftOf, type DriftField } from './compareRecord';
import { Healer, type HealContext } from './Healer';
import { heldFieldsOf, linksByExternalIds, linksByRecordIds, recordsByIds, uncreatedRecords, unseenLinks } from './scanQueries';
import {
  addToRun, analyzeSeen, finishRun, insertItems, itemsAfter, markSeen, relinkOrphanByNumber, setOutcome,
  type CategoryCounts, type ItemAction, type ItemOutcome, type NewItem, type RunStatus, type SyncRun,
} from './SyncRunStore';

export const RECONCILIATION_SPAN = 'ReconciliationJob';
/** Records asked for per scan page; each adapter caps it at what its platform allows. */
const PAGE_SIZE = 1_000;
const HUB_PAGE = 200;
/** A rate-limit wait longer than this fails the run rather than hold it for hours. */
const MAX_WAIT_MS = 10 * 60_000;

type Tally = Partial<CategoryCounts> & { checked?: number; expected?: number; healed?: number; failed?: number };

/**
 * One reconciliation run of one integration: pages through every platform record in scope (the
 * adapter's full scan, one page in memory at a time) and every hub record linked to or in scope
 * for the integration, for each kind it syncs, and files each as in sync, drifted, missing on the
 * platform, not created, to relink or orphaned, saying how it matched. A dry run only keeps the
 * plan; a plain run also applies bookkeeping that cannot lose data (relinks, link states); an
 * auto-heal run applies every action through the normal sync paths (see Healer).
 */
@injectable()
export class Reconciler {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    private readonly kinds: RecordKinds,
    private readonly healer: Healer,
    private readonly metrics: SyncMetrics,
  ) {}

  /** `stop` aborts the run between two pages: it ends as `canceled` (the hub is shutting down). */
  async execute(run: SyncRun, runtime: IntegrationRuntime, stop: AbortSignal = new AbortController().signal): Promise<SyncRun> {
    const attributes = { 'sync.integration_id': runtime.id, 'sync.integration_type': runtime.type, 'sync.direction': runtime.direction, 'sync.dry_run': run.dry_run, 'sync.auto_heal': run.auto_heal };
    return inSpan(RECONCILIATION_SPAN, attributes, async (span) => {
      let status: RunStatus = 'succeeded';
      let error: string | null = null;
      try {
        for (const name of run.kinds) await this.reconcileKind(run, runtime, this.kinds.get(name), stop);
      } catch (err) {
        status = stop.aborted ? 'canceled' : 'failed';
        error = stop.aborted ? 'The hub stopped during the run; what it found so far is kept.' : (err as Error).message;
        if (!stop.aborted) this.logger.error({ integration_id: runtime.id, run_id: run.id, err: error }, 'reconciliation run failed');
      }
      let finished = await finishRun(this.db, run.id, status, error, this.clock.now());
      if (finished.status === 'succeeded' && finished.failed_items > 0) finished = await finishRun(this.db, run.id, 'partial', null, this.clock.now());
      span.setAttributes({
        'sync.result': finished.status === 'succeeded' ? 'success' : 'error',
        'sync.total_checked': finished.total_checked,
        'sync.discrepancies_found': finished.discrepancies_found,
        'sync.auto_healed': finished.auto_healed,
        ...Object.fromEntries(Object.entries(finished.counts).map(([c, n]) => [`sync.${c}`, n])),
      });
      this.metrics.reconcileRuns.inc({ integration_type: runtime.type, status: finished.status });
      for (const [category, n] of Object.entries(finished.counts)) if (category !== 'in_sync' && n > 0) this.metrics.discrepancies.inc({ integration_type: runtime.type, category }, n);
      return finished;
    });
  }

  private async reconcileKind(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition, stop: AbortSignal): Promise<void> {
    const list = runtime.adapter.list;
    if (!list) throw new Error(`The ${runtime.type} adapter cannot list ${kind.label} records.`);
    let page: string | undefined;
    let first = true;
    do {
      stop.throwIfAborted();
      const current = page;
      const result = await this.patiently(runtime, () => withAuditScope({ operation: 'list', entityType: kind.name }, () => list.call(runtime.adapter, { kind: kind.name, scope: 'all', page: current, pageSize: PAGE_SIZE })));
      const tally = await this.checkPage(run, runtime, kind, result.records);
      if (first && result.total !== undefined) tally.expected = result.total;
      first = false;
      await addToRun(this.db, run.id, tally, this.clock.now());
      page = result.nextPage;
    } while (page);
    await analyzeSeen(this.db);
    await this.checkUnseenLinks(run, runtime, kind);
    await this.checkUncreated(run, runtime, kind);
    await this.settleOrphans(run, runtime, kind);
  }

  private async checkPage(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition, records: ExternalRecord[]): Promise<Tally> {
    const tally: Tally = { checked: records.length };
    const links = await linksByExternalIds(this.db, runtime.id, kind.name, records.map((r) => r.id));
    const correlated = kind.identity.correlationId ? records.filter((r) => !links.has(r.id) && r.correlationId).map((r) => r.correlationId as string) : [];
    const linked = [...links.values()].map((l) => l.entity_id);
    const hubRecords = await recordsByIds(this.db, kind, runtime.organizationId, [...new Set([...linked, ...correlated])]);
    const correlatedLinks = await linksByRecordIds(this.db, runtime.id, kind.name, correlated);
    const held = await heldFieldsOf(this.db, runtime.id, kind.name, linked);
    const items: NewItem[] = [];
    for (const external of records) {
      const link = links.get(external.id);
      const base = { external_id: external.id, external_number: external.number ?? null, external_version: this.fingerprint(runtime, kind, external), record_kind: kind.name };
      if (link) {
        const record = hubRecords.get(link.entity_id);
        if (!record) continue;
        const fields = await this.drift(runtime, kind, record, link, external, held.get(record.id) ?? new Set());
        if (fields.length === 0) {
          tally.in_sync = (tally.in_sync ?? 0) + 1;
          continue;
        }
        items.push(await this.settle(run, runtime, kind, {
          ...base, record_id: record.id, hub_version: record.version, category: 'field_drift', matched_by: 'link', fields, action: 'update', outcome: 'planned', message: null,
        }, { external, record }, tally));
        continue;
      }
      const owner = external.correlationId ? hubRecords.get(external.correlationId) : undefined;
      const ownerLink = owner ? correlatedLinks.get(owner.id) : undefined;
      if (owner && ownerLink?.external_id && ownerLink.external_id !== external.id) {
        items.push(this.count(tally, {
          ...base, record_id: owner.id, hub_version: owner.version, category: 'orphan_external', matched_by: 'correlation_id', fields: [], action: 'none', outcome: 'reported',
          message: `Carries the correlation id of ${kind.label} ${owner.id}, which is linked to ${ownerLink.external_number ?? ownerLink.external_id} on this integration: a duplicate.`,
        }));
      } else if (owner) {
        items.push(await this.settle(run, runtime, kind, {
          ...base, record_id: owner.id, hub_version: owner.version, category: 'relink', matched_by: 'correlation_id', fields: [], action: 'relink', outcome: 'planned', message: null,
        }, { external, record: owner }, tally));
      } else {
        // Orphans settle last: the hub side may still find the link they belong to by number.
        const action: ItemAction = runtime.settings.reconcile_orphans === 'import' ? 'import' : 'none';
        items.push(this.count(tally, {
          ...base, record_id: null, hub_version: null, category: 'orphan_external', matched_by: 'none', fields: [], action, outcome: action === 'none' ? 'reported' : 'planned', message: null,
        }));
      }
    }
    await insertItems(this.db, run.id, items);
    await markSeen(this.db, run.id, kind.name, records.map((r) => r.id));
    return tally;
  }

  /** Linked records the scan did not see: read one by one (they may be out of the scan's scope), else missing, or renumbered. */
  private async checkUnseenLinks(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition): Promise<void> {
    const read = runtime.adapter.read;
    let after = '';
    for (;;) {
      const links = await unseenLinks(this.db, run.id, runtime.id, kind.name, after, HUB_PAGE);
      if (links.length === 0) return;
      after = links[links.length - 1].id;
      const records = await recordsByIds(this.db, kind, runtime.organizationId, links.map((l) => l.entity_id));
      const held = await heldFieldsOf(this.db, runtime.id, kind.name, links.map((l) => l.entity_id));
      const tally: Tally = { checked: 0 };
      const items: NewItem[] = [];
      for (const link of links) {
        const record = records.get(link.entity_id);
        if (!record) continue;
        tally.checked! += 1;
        const externalId = link.external_id as string;
        const external = read ? await this.patiently(runtime, () => withAuditScope({ operation: 'read', entityType: kind.name, entityId: record.id, externalId }, () => read.call(runtime.adapter, kind.name, externalId))) : undefined;
        const ids = { record_kind: kind.name, record_id: record.id, hub_version: record.version, external_id: externalId, external_number: link.external_number };
        if (external) {
          const fields = await this.drift(runtime, kind, record, link, external, held.get(record.id) ?? new Set());
          if (fields.length === 0) tally.in_sync = (tally.in_sync ?? 0) + 1;
          else items.push(await this.settle(run, runtime, kind, { ...ids, external_version: this.fingerprint(runtime, kind, external), category: 'field_drift', matched_by: 'link', fields, action: 'update', outcome: 'planned', message: null }, { external, record }, tally));
          continue;
        }
        if (link.external_number && kind.identity.number && (await this.relinkByNumber(run, runtime, kind, record, link.external_number, tally))) continue;
        const setting = runtime.settings.reconcile_missing ?? 'report';
        const action: ItemAction = setting === 'report' ? 'none' : setting;
        const message = `${link.external_number ?? externalId} is no longer on ${runtime.row.name} (or its account cannot read it).`;
        if (!run.dry_run) await this.healer.markMissing({ organizationId: runtime.organizationId, kind: kind.name, recordId: record.id, integrationId: runtime.id }, `${message} Found by reconciliation run ${run.id}.`);
        items.push(await this.settle(run, runtime, kind, { ...ids, external_version: null, category: 'missing_external', matched_by: 'link', fields: [], action, outcome: action === 'none' ? 'reported' : 'planned', message }, { record }, tally));
      }
      await insertItems(this.db, run.id, items);
      await addToRun(this.db, run.id, tally, this.clock.now());
    }
  }

  /** An orphan with the number of a link whose record is gone is that record under a new id: relink, not orphan plus missing. */
  private async relinkByNumber(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition, record: HubRecord, number: string, tally: Tally): Promise<boolean> {
    const message = `Its link named ${number} under an id the platform no longer has; the platform holds ${number} under this id.`;
    const read = runtime.adapter.read;
    const item = await relinkOrphanByNumber(this.db, run.id, kind.name, number, record.id, { outcome: 'planned', message });
    if (!item) return false;
    tally.orphan_external = (tally.orphan_external ?? 0) - 1;
    tally.relink = (tally.relink ?? 0) + 1;
    if (run.dry_run || !read) return true;
    const externalId = item.external_id as string;
    const external = await this.patiently(runtime, () => withAuditScope({ operation: 'read', entityType: kind.name, entityId: record.id, externalId }, () => read.call(runtime.adapter, kind.name, externalId)));
    const outcome = await this.apply(runtime, kind, { ...item, hub_version: record.version }, { external, record }, tally);
    await setOutcome(this.db, item.id, outcome.outcome, outcome.message);
    return true;
  }

  /** Hub records in scope for an outbound integration that have no platform record there. */
  private async checkUncreated(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition): Promise<void> {
    if (!sendsOutbound(runtime.directionFor(kind.name)) || !runtime.supports(kind.name, 'create')) return;
    const filter = createFilterOf(runtime.settings, kind.name);
    let after = '';
    for (;;) {
      const records = await uncreatedRecords(this.db, run.id, kind, runtime.organizationId, runtime.id, after, HUB_PAGE);
      if (records.length === 0) return;
      after = records[records.length - 1].id;
      const tally: Tally = { checked: 0 };
      const items: NewItem[] = [];
      for (const record of records) {
        if (!Object.entries(filter).every(([field, allowed]) => allowed?.includes(String(record.values[field] ?? '')))) continue;
        tally.checked! += 1;
        items.push(await this.settle(run, runtime, kind, {
          record_kind: kind.name, record_id: record.id, hub_version: record.version, external_id: null, external_number: null, external_version: null,
          category: 'not_created', matched_by: 'none', fields: [], action: 'create', outcome: 'planned', message: null,
        }, { record }, tally));
      }
      await insertItems(this.db, run.id, items);
      await addToRun(this.db, run.id, tally, this.clock.now());
    }
  }

  /** Imports the orphans the scan planned to import, once no link can claim them any more. */
  private async settleOrphans(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition): Promise<void> {
    if (!run.auto_heal) return;
    let after = '0';
    for (;;) {
      const batch = await itemsAfter(this.db, run.id, after, HUB_PAGE, { outcome: 'planned' });
      if (batch.length === 0) return;
      after = batch[batch.length - 1].id;
      const tally: Tally = {};
      for (const item of batch.filter((i) => i.category === 'orphan_external' && i.record_kind === kind.name)) {
        const outcome = await this.apply(runtime, kind, item, { external: { kind: kind.name, id: item.external_id as string, fields: {} } }, tally);
        await setOutcome(this.db, item.id, outcome.outcome, outcome.message);
      }
      await addToRun(this.db, run.id, tally, this.clock.now());
    }
  }

  /** The drift of a linked record, compared in the platform's representation after mapping. */
  async drift(runtime: IntegrationRuntime, kind: RecordKindDefinition, record: HubRecord, link: Link, external: ExternalRecord, held: ReadonlySet<string>): Promise<DriftField[]> {
    const { values } = await referencesOut(this.db, runtime.id, kind, record.values);
    return driftOf({
      kind, mappings: runtime.mappingsFor(kind.name), owners: runtime.ownersFor(kind.name), direction: runtime.directionFor(kind.name), strategy: runtime.strategy,
      windowMs: this.settings.conflictWindowMs, hub: values, fieldChanges: record.field_changes, base: link.base, held, external,
    });
  }

  /** The platform's version of a record, or a digest of its mapped fields where the platform has none. */
  fingerprint(runtime: IntegrationRuntime, kind: RecordKindDefinition, external: ExternalRecord): string {
    if (external.version) return external.version;
    return `sha1:${createHash('sha1').update(JSON.stringify(mappedExternal(external.fields, runtime.mappingsFor(kind.name)))).digest('hex').slice(0, 16)}`;
  }

  /** Decides an item's outcome for this run, applying it now where the run's mode says so; counts it. */
  private async settle(run: SyncRun, runtime: IntegrationRuntime, kind: RecordKindDefinition, item: NewItem, context: HealContext, tally: Tally): Promise<NewItem> {
    this.count(tally, item);
    if (item.action === 'none' || run.dry_run) return item;
    if (!run.auto_heal && item.action !== 'relink') return item;
    return { ...item, ...(await this.apply(runtime, kind, item, context, tally)) };
  }

  /** Applies one item; failures are the item's, not the run's. */
  async apply(runtime: IntegrationRuntime, kind: RecordKindDefinition, item: NewItem, context: HealContext, tally: Tally): Promise<{ outcome: ItemOutcome; message: string | null }> {
    try {
      const note = await this.healer.heal(runtime, kind, item, context);
      if (note) return { outcome: 'skipped', message: note };
      tally.healed = (tally.healed ?? 0) + 1;
      return { outcome: 'applied', message: item.message };
    } catch (err) {
      tally.failed = (tally.failed ?? 0) + 1;
      this.logger.warn({ integration_id: runtime.id, record_kind: kind.name, record_id: item.record_id, external_id: item.external_id, err: (err as Error).message }, 'reconciliation item could not be applied');
      return { outcome: 'failed', message: (err as Error).message };
    }
  }

  private count(tally: Tally, item: NewItem): NewItem {
    tally[item.category] = (tally[item.category] ?? 0) + 1;
    return item;
  }

  /**
   * A platform call of the run: waits out the platform's rate limit and the integration's budget
   * (not a failed attempt), retries transient failures with backoff, and fails the run on anything else.
   */
  async patiently<T>(runtime: IntegrationRuntime, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (err) {
        const failure = platformFailureOf(err);
        const limited = err instanceof RateLimited ? { waitMs: err.waitMs } : platformRateLimit(failure);
        const transient = err instanceof TransportError || failure?.error.action === 'retry';
        if (limited && limited.waitMs <= MAX_WAIT_MS) {
          await pause(Math.max(limited.waitMs, 50));
          attempt -= 1;
          continue;
        }
        if (!transient || attempt > this.settings.maxRetries) throw err;
        await pause(backoffDelay(this.settings, attempt, failure?.error.retryAfterMs));
      }
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
