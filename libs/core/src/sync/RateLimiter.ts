import { AsyncLocalStorage } from 'node:async_hooks';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { RateLimited } from './deliveryErrors';

const WINDOW_MS = 60_000;
/** Slots reserved in the database at once; unused ones expire quickly so others can use the budget. */
const MAX_CHUNK = 50;
const RESERVATION_TTL_MS = 1_000;

interface Reservation {
  left: number;
  expiresAt: number;
}

/** Calls the engine paid for before handing work to an adapter (a write batch costs what the adapter declares). */
const prepaid = new AsyncLocalStorage<{ left: number }>();

/**
 * Runs `work` with its first `calls` platform calls already paid for: the engine takes a write's
 * units (a batch's declared cost) before marking it in flight, and the HTTP client must not charge
 * the same call twice.
 */
export function withPrepaidCalls<T>(calls: number, work: () => Promise<T>): Promise<T> {
  return prepaid.run({ left: calls }, work);
}

/**
 * Per-integration budget of platform calls over any sliding minute, shared by every hub process on
 * the database: every HTTP call an adapter makes (reads, lookups, token calls, writes) spends one
 * unit through `spendCall`, and a write batch costs what its adapter declares. A process reserves slots in chunks (one row per chunk, written under a
 * transaction-scoped advisory lock) and hands them out locally, so the database is touched once
 * per chunk, not once per write. Unused slots of a chunk count as spent: the limit can be under-
 * but never over-used. Small limits reserve one slot at a time.
 */
@injectable()
export class RateLimiter {
  private readonly reservations = new Map<string, Reservation>();
  private readonly pending = new Map<string, Promise<number>>();

  constructor(@inject(TOKENS.DataSource) private readonly db: DataSource) {}

  /**
   * One platform call, before it is made: free when the engine prepaid it, else one unit; throws
   * `RateLimited` when the budget is spent, so the job waits for it without counting an attempt.
   */
  async spendCall(integrationId: string, limitPerMinute: number, now: Date): Promise<void> {
    const paid = prepaid.getStore();
    if (paid && paid.left > 0) {
      paid.left -= 1;
      return;
    }
    const wait = await this.acquire(integrationId, limitPerMinute, now);
    if (wait > 0) throw new RateLimited(wait);
  }

  /**
   * Takes `units` slots and returns 0, or returns how many ms until more free up. Units taken before
   * the budget ran out count as spent: the limit is never exceeded.
   */
  async acquire(integrationId: string, limitPerMinute: number, now: Date, units = 1): Promise<number> {
    for (let taken = 0; taken < units; taken += 1) {
      const wait = await this.acquireOne(integrationId, limitPerMinute, now);
      if (wait > 0) return wait;
    }
    return 0;
  }

  private async acquireOne(integrationId: string, limitPerMinute: number, now: Date): Promise<number> {
    for (;;) {
      const held = this.reservations.get(integrationId);
      if (held && held.left > 0 && held.expiresAt > now.getTime()) {
        held.left -= 1;
        return 0;
      }
      const inFlight = this.pending.get(integrationId);
      if (inFlight) {
        const wait = await inFlight;
        if (wait > 0) return wait;
        continue;
      }
      const reserving = this.reserve(integrationId, limitPerMinute, now).finally(() => this.pending.delete(integrationId));
      this.pending.set(integrationId, reserving);
      const wait = await reserving;
      if (wait > 0) return wait;
    }
  }

  private async reserve(integrationId: string, limitPerMinute: number, now: Date): Promise<number> {
    const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.floor(limitPerMinute / 20)));
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('rate:' || $1))`, [integrationId]);
      const since = new Date(now.getTime() - WINDOW_MS).toISOString();
      await tx.query(`DELETE FROM sync_rate_events WHERE integration_id = $1 AND at <= $2`, [integrationId, since]);
      const [{ used, oldest }] = await tx.query(
        `SELECT COALESCE(sum(slots), 0)::int AS used, min(at) AS oldest FROM sync_rate_events WHERE integration_id = $1`,
        [integrationId],
      );
      const granted = Math.min(chunk, limitPerMinute - used);
      if (granted <= 0) return Math.max(1, new Date(oldest).getTime() + WINDOW_MS - now.getTime());
      await tx.query(`INSERT INTO sync_rate_events (integration_id, at, slots) VALUES ($1, $2, $3)`, [integrationId, now.toISOString(), granted]);
      this.reservations.set(integrationId, { left: granted, expiresAt: now.getTime() + RESERVATION_TTL_MS });
      return 0;
    });
  }
}
