import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError, UnsupportedKindError, ValidationError } from '../errors/HubError';
import { withAuditScope } from '../http/auditScope';
import { IntegrationService } from '../integrations/IntegrationService';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { selectRecord } from '../records/RecordStore';
import { IntegrationRuntimes, type IntegrationRuntime } from '../sync/IntegrationRuntimes';
import type { HealContext } from './Healer';
import { Reconciler } from './Reconciler';
import { checkSchedule, nextRunOf } from './cronExpression';
import { deleteSchedule, saveSchedule, scheduleOf, type RunSchedule } from './ScheduleStore';
import { linksByRecordIds } from './scanQueries';
import {
  claimPlan, failAbandonedRuns, getRun, insertRun, itemsAfter, listItems, listRuns, markApplied, runningRun, setOutcome,
  type ItemCategory, type ItemOutcome, type RunFilter, type RunItem, type RunTrigger, type SyncRun,
} from './SyncRunStore';

/** A run whose process has not beaten its heart for this long is taken as stopped. */
export const RUN_STALE_MS = 5 * 60_000;
const APPLY_PAGE = 200;

export interface ReconcileOptions {
  dry_run?: boolean;
  auto_heal?: boolean;
}

export type ScheduleView = RunSchedule & { next_run_at: string | null };

const viewOf = (schedule: RunSchedule): ScheduleView => ({ ...schedule, next_run_at: nextRunOf(schedule.cron, schedule.timezone) });

/**
 * Reconciliation runs as the API and the scheduler see them: start one (one at a time per
 * integration, whichever process asks), wait for it, read the journal, apply a saved plan.
 */
@injectable()
export class SyncRunService {
  private readonly active = new Map<string, { done: Promise<SyncRun>; stop: AbortController }>();

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    private readonly integrations: IntegrationService,
    private readonly runtimes: IntegrationRuntimes,
    private readonly kinds: RecordKinds,
    private readonly reconciler: Reconciler,
  ) {}

  /** Starts a run in the background; `done` settles when it has finished. */
  async startReconcile(organizationId: string, integration: string, options: ReconcileOptions, trigger: RunTrigger): Promise<{ run: SyncRun; done: Promise<SyncRun> }> {
    const row = await this.integrations.get(organizationId, integration);
    return this.startFor(row.id, options, trigger);
  }

  /** The same by integration id, for the scheduler (which has no organization scope to check). */
  async startFor(integrationId: string, options: ReconcileOptions, trigger: RunTrigger): Promise<{ run: SyncRun; done: Promise<SyncRun> }> {
    if (options.dry_run && options.auto_heal) {
      throw new ValidationError('dry_run and auto_heal exclude each other: a dry run changes nothing.', [{ field: 'auto_heal', message: 'must not be true with dry_run' }]);
    }
    const runtime = await this.runtimes.load(integrationId);
    if (!runtime) throw new NotFoundError('Integration', integrationId);
    const kinds = runtime.kinds.filter((kind) => runtime.supports(kind, 'scan'));
    if (kinds.length === 0) throw new UnsupportedKindError(runtime.type, runtime.kinds.join(', ') || 'any', 'scan all');
    const now = this.clock.now();
    await failAbandonedRuns(this.db, runtime.id, now, RUN_STALE_MS);
    const run = await insertRun(this.db, {
      organizationId: runtime.organizationId, integrationId: runtime.id, type: 'reconcile', trigger, dryRun: Boolean(options.dry_run), autoHeal: Boolean(options.auto_heal), kinds,
    }, now);
    if (!run) {
      const running = await runningRun(this.db, runtime.id);
      throw new ConflictError(`Integration '${runtime.row.name}' already has a run in progress: ${running?.id ?? 'another run'} (started ${running?.started_at ?? 'just now'}).`, [
        { field: 'run', message: running?.id ?? 'unknown' },
      ]);
    }
    const stop = new AbortController();
    const done = this.reconciler.execute(run, runtime, stop.signal).finally(() => this.active.delete(run.id));
    this.active.set(run.id, { done, stop });
    return { run, done };
  }

  /** Cancels the runs this process executes at their next page and waits for them to record it (shutdown). */
  async stop(): Promise<void> {
    for (const { stop } of this.active.values()) stop.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  async schedule(organizationId: string, integration: string): Promise<ScheduleView> {
    const row = await this.integrations.get(organizationId, integration);
    const schedule = await scheduleOf(this.db, row.id, 'reconcile');
    if (!schedule) throw new NotFoundError('Reconciliation schedule of integration', row.name);
    return viewOf(schedule);
  }

  /** Stores the integration's reconciliation schedule (one per integration), replacing any. */
  async setSchedule(organizationId: string, integration: string, input: { cron: string; timezone: string } & ReconcileOptions): Promise<{ schedule: ScheduleView; created: boolean }> {
    checkSchedule(input.cron, input.timezone);
    if (input.dry_run && input.auto_heal) throw new ValidationError('dry_run and auto_heal exclude each other: a dry run changes nothing.', [{ field: 'auto_heal', message: 'must not be true with dry_run' }]);
    const row = await this.integrations.get(organizationId, integration);
    const { schedule, created } = await saveSchedule(this.db, { integrationId: row.id, type: 'reconcile', cron: input.cron, timezone: input.timezone, dryRun: Boolean(input.dry_run), autoHeal: Boolean(input.auto_heal) }, this.clock.now());
    return { schedule: viewOf(schedule), created };
  }

  async removeSchedule(organizationId: string, integration: string): Promise<void> {
    const row = await this.integrations.get(organizationId, integration);
    if (!(await deleteSchedule(this.db, row.id, 'reconcile'))) throw new NotFoundError('Reconciliation schedule of integration', row.name);
  }

  async history(organizationId: string, integration: string, limit: number): Promise<{ runs: SyncRun[] }> {
    const row = await this.integrations.get(organizationId, integration);
    return { runs: (await listRuns(this.db, organizationId, { integration: row.id, type: 'reconcile', limit, offset: 0 })).items };
  }

  list(organizationId: string, filter: RunFilter) {
    return listRuns(this.db, organizationId, filter);
  }

  async get(organizationId: string, runId: string): Promise<SyncRun> {
    const run = await getRun(this.db, organizationId, runId);
    if (!run) throw new NotFoundError('Run', runId);
    return run;
  }

  async items(organizationId: string, runId: string, filter: { category?: ItemCategory; outcome?: ItemOutcome; limit: number; offset: number }) {
    await this.get(organizationId, runId);
    return listItems(this.db, runId, filter);
  }

  /** Every item of a run in id order, a page at a time (`problems`: failed, stale, skipped or annotated ones only). */
  async *allItems(organizationId: string, runId: string, problems = false): AsyncGenerator<RunItem> {
    await this.get(organizationId, runId);
    let after = '0';
    for (;;) {
      const page = await itemsAfter(this.db, runId, after, APPLY_PAGE, problems ? { problems: true } : undefined);
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1].id;
    }
  }

  /**
   * Applies exactly the planned items of a finished run, each through the normal paths; an item
   * whose hub or platform record changed since the plan is skipped as `stale`, as Terraform
   * refuses a stale plan. A plan applies once.
   */
  async apply(organizationId: string, runId: string): Promise<SyncRun> {
    const plan = await this.get(organizationId, runId);
    const claimed = await claimPlan(this.db, runId, this.clock.now());
    if (!claimed) {
      const why = plan.status === 'running' ? 'it is still running' : plan.auto_heal ? 'it healed as it ran' : `it was applied at ${plan.applied_at}`;
      throw new ConflictError(`Run ${runId} cannot be applied: ${why}.`, [{ field: 'id', message: why }]);
    }
    const runtime = await this.runtimes.load(plan.integration_id);
    if (!runtime) throw new NotFoundError('Integration', plan.integration_id);
    const tally: { healed?: number; failed?: number } = {};
    let after = '0';
    for (;;) {
      const page = await itemsAfter(this.db, runId, after, APPLY_PAGE, { outcome: 'planned' });
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      for (const item of page) {
        const kind = this.kinds.get(item.record_kind);
        const checked = await this.stillAsPlanned(runtime, kind, item);
        if (typeof checked === 'string') {
          await setOutcome(this.db, item.id, 'stale', checked);
          continue;
        }
        const outcome = await this.reconciler.apply(runtime, kind, item, checked, tally);
        await setOutcome(this.db, item.id, outcome.outcome, outcome.message);
      }
    }
    return markApplied(this.db, runId, tally.healed ?? 0, tally.failed ?? 0, this.clock.now());
  }

  /** The item's records as they are now, or why the plan no longer holds for it. */
  private async stillAsPlanned(runtime: IntegrationRuntime, kind: RecordKindDefinition, item: RunItem): Promise<HealContext | string> {
    const context: HealContext = {};
    if (item.record_id) {
      const record = await selectRecord(this.db, kind, runtime.organizationId, item.record_id);
      if (!record) return 'The hub record is gone since the plan.';
      if (item.hub_version !== null && record.version !== item.hub_version) return `It changed in the hub since the plan (version ${item.hub_version} → ${record.version}).`;
      context.record = record;
    }
    if (item.action === 'create') {
      const link = (await linksByRecordIds(this.db, runtime.id, kind.name, [item.record_id as string])).get(item.record_id as string);
      if (link?.external_id) return `It was created on the platform since the plan (${link.external_number ?? link.external_id}).`;
      return context;
    }
    if (!item.external_id) return context;
    const external = await this.read(runtime, kind, item.external_id, item.record_id);
    if (item.action === 'recreate' || item.action === 'unlink') return external ? 'The platform record is back since the plan.' : context;
    if (!external) return 'The platform record is gone since the plan.';
    const now = this.reconciler.fingerprint(runtime, kind, external);
    if (now !== item.external_version) return `It changed on the platform since the plan (version ${item.external_version} → ${now}).`;
    context.external = external;
    return context;
  }

  private async read(runtime: IntegrationRuntime, kind: RecordKindDefinition, externalId: string, recordId: string | null): Promise<ExternalRecord | undefined> {
    const read = runtime.adapter.read;
    if (!read) return undefined;
    return this.reconciler.patiently(runtime, () => withAuditScope({ operation: 'read', entityType: kind.name, entityId: recordId ?? undefined, externalId }, () => read.call(runtime.adapter, kind.name, externalId)));
  }
}
