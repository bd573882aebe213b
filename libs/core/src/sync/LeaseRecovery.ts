import { inject, injectable } from 'tsyringe';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../contracts/Logger';
import type { Clock } from '../contracts/Clock';
import { TOKENS, type HubSettings } from '../di/tokens';
import { sql } from './stores/db';
import type { SyncSettings } from './SyncSettings';

/** The first key of the two-key advisory locks that say a hub process is alive ('ITSM'). */
const LIVENESS_LOCK_SPACE = 0x4954534d;
const LEASED_TABLES = ['sync_outbox', 'sync_inbox', 'sync_cursors'] as const;

/**
 * Gives the leases of a process that is gone back to the queue, so its jobs move again within a
 * second or two instead of after the lease expires. Liveness is proven, not guessed from time:
 * - `session_lock` (PostgreSQL): each process holds a session-level advisory lock on a connection
 *   of its own for as long as it runs; the server drops it the moment the process dies (the socket
 *   closes), so a lease whose owner holds no lock belongs to a dead process. Live processes never
 *   take each other's jobs.
 * - `exclusive` (embedded database): the data-directory lock already proves that no other process
 *   uses the database, so every lease not held by this process is a dead one's.
 * Leases still expire as before, for owners that cannot be proven dead (older hub versions).
 */
@injectable()
export class LeaseRecovery {
  private holder?: { client: Client; owner: string };

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.HubSettings) private readonly hub: HubSettings,
  ) {}

  /**
   * Takes this process's liveness lock, on a connection of its own outside the pool: the pool may
   * be one connection, and a pooled connection can be closed when idle, which would drop the lock.
   */
  async start(owner: string): Promise<void> {
    if (this.settings.liveness !== 'session_lock') return;
    const client = new Client({ connectionString: (this.db.options as { url?: string }).url });
    client.on('error', (err) => this.logger.error({ err: err.message }, 'the connection holding this process\'s liveness lock failed; other processes may take over its jobs'));
    await client.connect();
    await client.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [LIVENESS_LOCK_SPACE, owner]);
    this.holder = { client, owner };
  }

  async stop(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    if (!holder) return;
    // Unlocked explicitly: on a server that shares one session between connections, closing the
    // connection would not release it.
    await holder.client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LIVENESS_LOCK_SPACE, holder.owner]).catch(() => undefined);
    await holder.client.end();
  }

  /**
   * Frees leases held by processes that are gone; returns how many. A job whose platform call may
   * still be in flight (a create or a comment sent but never answered) is held back until that
   * call can no longer land (HUB_HTTP_TIMEOUT_MS after now): looked up any earlier, it could be
   * missed and written twice.
   */
  async recover(owner: string): Promise<number> {
    const dead = this.settings.liveness === 'exclusive'
      ? '$2::int IS NOT NULL'
      : `NOT EXISTS (SELECT 1 FROM pg_locks l
                      WHERE l.locktype = 'advisory' AND l.classid = $2::int::oid AND l.objid = hashtext(t.lease_owner)::oid AND l.objsubid = 2
                        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`;
    const unanswered = `EXISTS (SELECT 1 FROM integration_sync_map l WHERE t.job = 'record' AND l.integration_id = t.integration_id AND l.entity_type = t.record_kind
                                   AND l.entity_id = t.record_id AND l.external_id IS NULL AND l.in_flight <> '{}')
                     OR EXISTS (SELECT 1 FROM journal_links j WHERE t.job = 'journal' AND j.entry_id = t.journal_id AND j.integration_id = t.integration_id AND j.external_entry_id IS NULL)`;
    const freed = LEASED_TABLES.map((table, i) =>
      `f${i} AS (UPDATE ${table} t SET lease_owner = NULL, lease_expires_at = NULL${table === 'sync_outbox' ? `,
                    next_attempt_at = CASE WHEN ${unanswered} THEN GREATEST(t.next_attempt_at, $3::timestamptz) ELSE t.next_attempt_at END` : ''}
                  WHERE t.lease_owner IS NOT NULL AND t.lease_owner <> $1 AND ${dead} RETURNING t.lease_owner)`);
    const notBefore = new Date(this.clock.now().getTime() + this.hub.httpTimeoutMs).toISOString();
    const [row] = await sql<{ n: number; owners: string[] | null }>(this.db,
      `WITH ${freed.join(', ')}, everything AS (${LEASED_TABLES.map((_, i) => `SELECT lease_owner FROM f${i}`).join(' UNION ALL ')})
       SELECT count(*)::int AS n, array_agg(DISTINCT lease_owner) AS owners FROM everything`,
      [owner, LIVENESS_LOCK_SPACE, notBefore],
    );
    if (row.n > 0) this.logger.warn({ jobs: row.n, owners: row.owners }, 'resumed jobs leased by hub processes that are gone');
    return row.n;
  }
}
