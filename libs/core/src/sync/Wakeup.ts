import { injectable } from 'tsyringe';

/**
 * Lets a committed change wake one sync loop at once instead of at its next poll; other processes
 * on the same database find the work on their own poll.
 */
export class Wakeup {
  private waiter?: () => void;
  private pending = false;

  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Resolves on the next notify, or after `ms`; at once when a notify came since the last wait. */
  async wait(ms: number): Promise<void> {
    if (!this.pending) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.waiter = undefined;
    this.pending = false;
  }
}

/** Integrations whose configuration (row, mappings, ownership rules) this process changed. */
export class ConfigChanges {
  private readonly listeners = new Set<(integrationId: string) => void>();

  subscribe(listener: (integrationId: string) => void): void {
    this.listeners.add(listener);
  }

  notify(integrationId: string): void {
    for (const listener of this.listeners) listener(integrationId);
  }
}

/** The process's wake-up signals: one per loop, and configuration changes. */
@injectable()
export class SyncSignals {
  readonly outbox = new Wakeup();
  readonly inbox = new Wakeup();
  readonly config = new ConfigChanges();
}
