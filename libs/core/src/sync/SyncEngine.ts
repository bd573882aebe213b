import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { InboxWorker } from './InboxWorker';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import type { LaneWorker } from './lanes';
import { OutboundWorker } from './OutboundWorker';
import { Poller } from './Poller';
import { SyncLogRetention } from './SyncLogRetention';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals, type Wakeup } from './Wakeup';

/**
 * Runs the outbound, inbound and polling loops of this process. With INCIDENTS_SYNC_ENABLED=false
 * nothing runs: the outbox and the inbox keep filling and are delivered once syncing is back on.
 */
@injectable()
export class SyncEngine {
  private readonly owner = `hub-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly outbound: OutboundWorker,
    private readonly inbox: InboxWorker,
    private readonly poller: Poller,
    private readonly runtimes: IntegrationRuntimes,
    private readonly retention: SyncLogRetention,
  ) {}

  start(): void {
    if (!this.settings.enabled || this.running) return;
    this.running = true;
    this.loops = [
      this.pipeline('outbound', this.signals.outbox, this.outbound),
      this.pipeline('inbound', this.signals.inbox, this.inbox),
      this.loop('poll', () => this.poller.runOnce(this.owner)),
      this.loop('sync-log retention', () => this.retention.runOnce()),
    ];
  }

  /** Lets running jobs finish; leases of anything unfinished expire and another process takes over. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.signals.outbox.notify();
    this.signals.inbox.notify();
    await Promise.all(this.loops);
    await this.runtimes.closeAll();
  }

  /**
   * Keeps up to `concurrency` jobs running: claims more as soon as one finishes rather than
   * waiting for a whole batch, and sleeps only when nothing is claimable.
   */
  private async pipeline(name: string, wakeup: Wakeup, worker: LaneWorker): Promise<void> {
    const active = new Set<Promise<void>>();
    while (this.running) {
      const free = this.settings.concurrency - active.size;
      let claimed: Record<string, unknown>[] = [];
      if (free > 0) {
        try {
          claimed = await worker.claim(this.owner, free);
        } catch (err) {
          this.logger.error({ loop: name, err: (err as Error).message }, 'sync claim failed');
        }
      }
      for (const row of claimed) {
        const job: Promise<void> = worker
          .handle(this.owner, row)
          .catch((err: unknown) => this.logger.error({ loop: name, err: (err as Error).message }, 'sync job failed'))
          .finally(() => {
            active.delete(job);
            wakeup.notify();
          });
        active.add(job);
      }
      if (claimed.length === 0 && this.running) await wakeup.wait(this.settings.idlePollMs);
    }
    await Promise.all(active);
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
