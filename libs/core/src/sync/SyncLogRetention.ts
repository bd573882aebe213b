import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { Logger } from '../contracts/Logger';
import { DEFAULT_ALERT_RETENTION_MS, DEFAULT_AUDIT_RETENTION_MS, DEFAULT_RUN_RETENTION_MS, TOKENS, type HubSettings } from '../di/tokens';
import { forgetAlerts } from '../alerts/AlertStore';
import { forgetTicks } from '../reconcile/ScheduleStore';
import { forgetRuns } from '../reconcile/SyncRunStore';
import { DEFAULT_REPLAY_WINDOW_HOURS } from '../integrations/genericSettings';

const EVERY_MS = 3_600_000;
const TICK_MEMORY_MS = 7 * 24 * 3_600_000;

/**
 * Removes sync log rows older than the retention period (HUB_AUDIT_RETENTION_DAYS), runs older
 * than theirs (HUB_RUN_RETENTION_DAYS), closed alerts after theirs (HUB_ALERT_RETENTION_DAYS),
 * schedule ticks after a week, and the
 * webhook bodies and delivery ids remembered past their replay window, at most once
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
    const forgotten = await this.forgetDeliveries(new Date(now));
    if (forgotten > 0) this.logger.info({ removed: forgotten }, 'webhook bodies and delivery ids past their replay window forgotten');
    const runs = await forgetRuns(this.db, new Date(now - (this.settings.runRetentionMs ?? DEFAULT_RUN_RETENTION_MS)));
    if (runs > 0) this.logger.info({ removed: runs }, 'runs past their retention removed with their items');
    const alerts = await forgetAlerts(this.db, new Date(now - (this.settings.alertRetentionMs ?? DEFAULT_ALERT_RETENTION_MS)));
    if (alerts > 0) this.logger.info({ removed: alerts }, 'closed alerts past their retention removed');
    // A tick row only has to outlive the clock skew between processes and the cron's own delay.
    await forgetTicks(this.db, new Date(now - TICK_MEMORY_MS));
    return 0;
  }

  /** Webhook body digests and delivery ids older than their integration's replay window: a replay after it is processed again, harmlessly. */
  async forgetDeliveries(now: Date): Promise<number> {
    const expired = (table: string) =>
      `DELETE FROM ${table} d USING integration_configurations i
        WHERE d.integration_id = i.id
          AND d.received_at < $1::timestamptz - make_interval(secs => COALESCE((i.settings->>'replay_window_hours')::float8, ${DEFAULT_REPLAY_WINDOW_HOURS}) * 3600)
        RETURNING 1`;
    const [row] = await this.db.query(
      `WITH digests AS (${expired('webhook_body_digests')}), deliveries AS (${expired('webhook_deliveries')})
       SELECT (SELECT count(*) FROM digests)::int + (SELECT count(*) FROM deliveries)::int AS n`,
      [now.toISOString()],
    );
    return row.n;
  }

  async removeOlderThan(cutoff: Date): Promise<number> {
    const [row] = await this.db.query(`WITH gone AS (DELETE FROM integration_sync_log WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [cutoff.toISOString()]);
    return row.n;
  }
}
