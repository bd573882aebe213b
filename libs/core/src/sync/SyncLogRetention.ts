import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { Logger } from '../contracts/Logger';
import { DEFAULT_AUDIT_RETENTION_MS, TOKENS, type HubSettings } from '../di/tokens';

const EVERY_MS = 3_600_000;

/**
 * Removes sync log rows older than the retention period (HUB_AUDIT_RETENTION_DAYS), at most once
 * an hour per process; deleting by date is idempotent, so processes need not agree on who does it.
 */
@injectable()
export class SyncLogRetention {
  private lastRunAt = 0;

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.HubSettings) private readonly settings: HubSettings,
  ) {}

  /** Returns 0 so the loop waits between runs; the hourly guard decides when to work. */
  async runOnce(): Promise<number> {
    const now = this.clock.now().getTime();
    if (now - this.lastRunAt < EVERY_MS) return 0;
    this.lastRunAt = now;
    const removed = await this.removeOlderThan(new Date(now - (this.settings.auditRetentionMs ?? DEFAULT_AUDIT_RETENTION_MS)));
    if (removed > 0) this.logger.info({ removed }, 'sync log rows past their retention removed');
    return 0;
  }

  async removeOlderThan(cutoff: Date): Promise<number> {
    const [row] = await this.db.query(`WITH gone AS (DELETE FROM integration_sync_log WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [cutoff.toISOString()]);
    return row.n;
  }
}
