import type { DataSource } from 'typeorm';

const WINDOW_MS = 60_000;

/**
 * Per-integration write budget over any sliding minute, shared by every hub process on the
 * database: the count and the grant happen under a transaction-scoped advisory lock.
 */
export class RateLimiter {
  constructor(private readonly db: DataSource) {}

  /** Takes one slot and returns 0, or returns how many ms until one frees up (nothing taken). */
  async acquire(integrationId: string, limitPerMinute: number, now: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('rate:' || $1))`, [integrationId]);
      const since = new Date(now.getTime() - WINDOW_MS).toISOString();
      await tx.query(`DELETE FROM sync_rate_events WHERE integration_id = $1 AND at <= $2`, [integrationId, since]);
      const [{ count, oldest }] = await tx.query(
        `SELECT count(*)::int AS count, min(at) AS oldest FROM sync_rate_events WHERE integration_id = $1`,
        [integrationId],
      );
      if (count >= limitPerMinute) return Math.max(1, new Date(oldest).getTime() + WINDOW_MS - now.getTime());
      await tx.query(`INSERT INTO sync_rate_events (integration_id, at) VALUES ($1, $2)`, [integrationId, now.toISOString()]);
      return 0;
    });
  }
}
