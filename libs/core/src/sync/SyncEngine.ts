import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { InboxWorker } from './InboxWorker';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { LeaseRecovery } from './LeaseRecovery';
import { wakeMissedWaiters } from './stores/ReferenceWaits';
import { byIntegration, CLAIM_LIMIT, type LaneWorker, type QueueRow } from './lanes';
import { OutboundWorker } from './OutboundWorker';
import { Poller } from './Poller';
import { RunScheduler } from '../reconcile/RunScheduler';
import { SyncLogRetention } from './SyncLogRetention';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals, type Wakeup } from './Wakeup';

/**
 * Runs the outbound, inbound and polling loops of this process, and its cron schedules of runs. With INCIDENTS_SYNC_ENABLED=false
 * nothing runs: the outbox and the inbox keep filling and are delivered once syncing is back on.
 */
@injectable()
export class SyncEngine {
  private readonly owner = `hub-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly outbound: OutboundWorker,
    private readonly inbox: InboxWorker,
    private readonly poller: Poller,
    private readonly runtimes: IntegrationRuntimes,
    private readonly retention: SyncLogRetention,
    private readonly leases: LeaseRecovery,
    private readonly scheduler: RunScheduler,
  ) {}

  /** Takes this process's liveness lock and frees the jobs of processes that are gone, then starts the loops. */
  async start(): Promise<void> {
    if (!this.settings.enabled || this.running) return;
    this.running = true;
    await this.leases.start(this.owner);
    await this.housekeep();
    this.loops = [
      this.pipeline('outbound', this.signals.outbox, this.outbound),
      this.pipeline('inbound', this.signals.inbox, this.inbox),
      this.loop('poll', () => this.poller.runOnce(this.owner)),
      this.loop('sync-log retention', () => this.retention.runOnce()),
      this.loop('housekeeping', async () => (await this.housekeep(), 0)),
      this.loop('schedules', async () => (await this.scheduler.refresh(), 0)),
    ];
  }

  /** Lets running jobs finish; leases of anything unfinished expire and another process takes over. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.signals.outbox.notify();
    this.signals.inbox.notify();
    await Promise.all(this.loops);
    await this.scheduler.stop();
    await this.leases.stop();
    await this.runtimes.closeAll();
  }

  /**
   * Keeps up to `concurrency` jobs running per integration, so a slow or busy platform never takes
   * another's share: claims more as soon as one finishes rather than waiting for a whole round.
   * A claim takes every claimable head up to each integration's share, so after it there is nothing
   * more to take until something changes: a new job (notify), a finished one (its lane's next entry
   * or a freed share, notify), or a job coming due (the idle poll). Claiming again at once would
   * only cost an empty statement, so the loop claims again at once only when the claim hit its row limit.
   */
  private async pipeline(name: string, wakeup: Wakeup, worker: LaneWorker): Promise<void> {
    const active = new Set<Promise<void>>();
    const busy = new Map<string, number>();
    const adjust = (integrationId: string, delta: number) => {
      const n = (busy.get(integrationId) ?? 0) + delta;
      if (n > 0) busy.set(integrationId, n);
      else busy.delete(integrationId);
    };
    while (this.running) {
      // Notifies from the same turn of the event loop (API writes, finished jobs) share one claim.
      await new Promise((resolve) => setImmediate(resolve));
      wakeup.consume();
      let claimed: QueueRow[] = [];
      try {
        claimed = await worker.claim(this.owner, { perIntegration: this.settings.concurrency, busy });
      } catch (err) {
        this.logger.error({ loop: name, err: (err as Error).message }, 'sync claim failed');
      }
      for (const group of byIntegration(claimed)) {
        const integrationId = String(group[0].integration_id);
        adjust(integrationId, group.length);
        for (const done of worker.handle(this.owner, group)) {
          const job: Promise<void> = done
            .catch((err: unknown) => this.logger.error({ loop: name, err: (err as Error).message }, 'sync job failed'))
            .finally(() => {
              active.delete(job);
              adjust(integrationId, -1);
              wakeup.notify();
            });
          active.add(job);
        }
      }
      if (claimed.length < CLAIM_LIMIT && this.running) await wakeup.wait(this.settings.idlePollMs);
    }
    await Promise.all(active);
  }

  /**
   * Every second: frees the jobs of processes that are gone, and wakes waiting jobs that a write
   * did not (see wakeMissedWaiters).
   */
  private async housekeep(): Promise<void> {
    const resumed = await this.leases.recover(this.owner);
    const woken = await wakeMissedWaiters(this.db);
    if (woken > 0) this.logger.warn({ jobs: woken }, 'woke jobs waiting on references that their writes did not wake');
    if (resumed + woken === 0) return;
    this.signals.outbox.notify();
    this.signals.inbox.notify();
  }

  private async loop(name: string, runOnce: () => Promise<number>): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        this.logger.error({ loop: name, err: (err as Error).message }, 'sync loop iteration failed');
      }
      if (claimed === 0 && this.running) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
