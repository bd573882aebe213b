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

  /**
   * Forgets the notifies so far: called just before a claim, which sees everything they announced,
   * so only a notify after it makes the next wait return at once.
   */
  consume(): void {
    this.pending = false;
  }

  /** Resolves on the next notify, or after `ms`; at once when a notify came since the last wait or consume. */
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
