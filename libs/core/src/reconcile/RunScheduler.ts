import { randomUUID } from 'node:crypto';
import { createTask, type ScheduledTask } from 'node-cron';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { isHubError } from '../errors/HubError';
import { SyncMetrics } from '../sync/SyncMetrics';
import { allSchedules, claimTick, recordTick, schedulesStamp, type RunSchedule } from './ScheduleStore';
import { SyncRunService } from './SyncRunService';
import type { RunType } from './SyncRunStore';

/**
 * node-cron in every hub process, over the stored schedules (re-read when any changes, in any
 * process). A scheduled run happens once per tick among processes sharing the database: each
 * process inserts a row keyed by schedule and tick, and only the one whose insert succeeds starts
 * the run (a lock taken and released would let a second process whose cron fired a moment later run
 * it again). A tick while a run of the integration is still going is recorded as skipped; runs
 * never overlap. Takes any run type, so imports and publishes schedule the same way.
 */
@injectable()
export class RunScheduler {
  private readonly owner = `hub-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly tasks = new Map<string, { schedule: RunSchedule; task: ScheduledTask }>();
  private stamp: string | undefined;

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    private readonly runs: SyncRunService,
    private readonly metrics: SyncMetrics,
  ) {}

  /** Brings the cron tasks in line with the stored schedules; cheap when nothing changed (one query). */
  async refresh(): Promise<void> {
    const stamp = await schedulesStamp(this.db);
    if (stamp === this.stamp) return;
    const wanted = new Map((await allSchedules(this.db)).map((s) => [s.id, s]));
    for (const [id, { schedule, task }] of this.tasks) {
      const now = wanted.get(id);
      if (now && now.updated_at === schedule.updated_at) continue;
      await task.destroy();
      this.tasks.delete(id);
    }
    for (const [id, schedule] of wanted) {
      if (this.tasks.has(id)) continue;
      const task = createTask(schedule.cron, (context) => this.fire(schedule, context.date), { timezone: schedule.timezone, name: `${schedule.type}:${schedule.integration_id}` });
      await task.start();
      this.tasks.set(id, { schedule, task });
    }
    this.stamp = stamp;
  }

  async stop(): Promise<void> {
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    this.stamp = undefined;
  }

  private async fire(schedule: RunSchedule, scheduledAt: Date): Promise<void> {
    const tick = new Date(Math.floor(scheduledAt.getTime() / 1000) * 1000);
    try {
      if (!(await claimTick(this.db, schedule.id, tick, this.owner))) {
        this.metrics.scheduleTicks.inc({ type: schedule.type, outcome: 'taken' });
        return;
      }
      const started = await this.start(schedule.type, schedule);
      await recordTick(this.db, schedule.id, tick, started);
      this.metrics.scheduleTicks.inc({ type: schedule.type, outcome: started.runId ? 'claimed' : 'skipped' });
    } catch (err) {
      this.logger.error({ integration_id: schedule.integration_id, schedule_id: schedule.id, err: (err as Error).message }, 'scheduled run could not start');
    }
  }

  private async start(type: RunType, schedule: RunSchedule): Promise<{ runId?: string; outcome: string }> {
    if (type !== 'reconcile') return { outcome: `no ${type} job in this hub` };
    try {
      const { run } = await this.runs.startFor(schedule.integration_id, { dry_run: schedule.dry_run, auto_heal: schedule.auto_heal }, 'schedule');
      return { runId: run.id, outcome: 'started' };
    } catch (err) {
      // Most often a run still going (409): the tick is skipped, never run on top of it.
      if (isHubError(err)) return { outcome: `skipped: ${err.message}` };
      throw err;
    }
  }
}
