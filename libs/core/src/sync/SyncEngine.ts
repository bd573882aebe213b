import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { InboxWorker } from './InboxWorker';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { OutboundWorker } from './OutboundWorker';
import { Poller } from './Poller';
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
  ) {}

  start(): void {
    if (!this.settings.enabled || this.running) return;
    this.running = true;
    this.loops = [
      this.loop('outbound', this.signals.outbox, () => this.outbound.runOnce(this.owner)),
      this.loop('inbound', this.signals.inbox, () => this.inbox.runOnce(this.owner)),
      this.loop('poll', undefined, () => this.poller.runOnce(this.owner)),
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

  private async loop(name: string, wakeup: Wakeup | undefined, runOnce: () => Promise<number>): Promise<void> {
    const idle = wakeup ?? { wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        this.logger.error({ loop: name, err: (err as Error).message }, 'sync loop iteration failed');
      }
      if (claimed === 0 && this.running) await idle.wait(name === 'poll' ? 1_000 : this.settings.idlePollMs);
    }
  }
}
