import type { DataSource } from 'typeorm';
import { sql } from './stores/db';

export interface LaneQueue {
  table: 'sync_outbox' | 'sync_inbox';
  /** The columns whose values form one lane: its entries are handled one at a time, in id order. */
  lane: readonly string[];
  /** What else a lane head needs to be claimed, on the candidate `c`. */
  claimable: string;
  /** Which earlier entries of the lane, `e`, hold up the others. */
  blocking: string;
}

/** A job waiting on references it needs is not claimed, and holds up the record's later jobs. */
export const OUTBOX: LaneQueue = { table: 'sync_outbox', lane: ['integration_id', 'record_kind', 'record_id'], claimable: 'c.waiting_on IS NULL', blocking: 'TRUE' };
/** A failed event waits for the user and holds up nothing: each later event reads the record afresh. */
export const INBOX: LaneQueue = { table: 'sync_inbox', lane: ['integration_id', 'record_kind', 'external_id'], claimable: "c.state = 'pending'", blocking: "e.state = 'pending'" };

/** How many more entries a process may lease: per integration, less what it already runs there. */
export interface ClaimCapacity {
  perIntegration: number;
  busy: ReadonlyMap<string, number>;
}

/** Entries one claim leases at most, whatever the number of integrations. */
export const CLAIM_LIMIT = 256;

export type QueueRow = Record<string, unknown>;

/** Columns a claim reads beside each leased entry (`leased`), and the joins they come from. */
export interface ClaimReads {
  columns: string;
  joins: string;
}

/**
 * Leases the heads of lanes whose head is due, not leased and not waiting, up to the capacity left
 * on each integration, so a busy integration never takes another's share. Each integration's
 * queue is walked in id order on its own index and only as far as its share, so a claim costs the
 * same with ten jobs queued or ten thousand. A short transaction that only writes the lease: no
 * transaction stays open while the platform is called, and SKIP LOCKED lets several processes
 * claim side by side without taking the same lane. `reads` adds what each leased entry's handling
 * reads first (its record, say) to the same statement.
 */
export async function claimHeads(db: DataSource, queue: LaneQueue, owner: string, now: Date, leaseMs: number, capacity: ClaimCapacity, reads?: ClaimReads): Promise<QueueRow[]> {
  const busy = [...capacity.busy].filter(([, n]) => n > 0);
  const laneMatch = queue.lane.map((c) => `e.${c} = c.${c}`).join(' AND ');
  const rows = await sql<QueueRow>(db,
    `${reads ? 'WITH leased AS (' : ''}UPDATE ${queue.table} q SET lease_owner = $1, lease_expires_at = $3::timestamptz + ($4 || ' milliseconds')::interval
      WHERE q.id IN (
        SELECT h.id FROM integration_configurations i
         CROSS JOIN LATERAL (
           SELECT c.id FROM ${queue.table} c
            WHERE c.integration_id = i.id AND c.next_attempt_at <= $3 AND (c.lease_expires_at IS NULL OR c.lease_expires_at < $3) AND ${queue.claimable}
              AND NOT EXISTS (SELECT 1 FROM ${queue.table} e WHERE ${laneMatch} AND e.id < c.id AND ${queue.blocking})
            ORDER BY c.id
            LIMIT GREATEST(0, $5 - COALESCE((SELECT b.n FROM unnest($6::text[], $7::int[]) AS b (integration_id, n) WHERE b.integration_id = i.id), 0))
            FOR UPDATE OF c SKIP LOCKED) h
         LIMIT $2)
      RETURNING q.*${reads ? `)\n     SELECT leased.*, ${reads.columns} FROM leased\n${reads.joins}` : ''}`,
    [owner, CLAIM_LIMIT, now.toISOString(), String(leaseMs), capacity.perIntegration, busy.map(([id]) => id), busy.map(([, n]) => n)],
  );
  return rows.sort((x, y) => Number(x.id) - Number(y.id));
}

/** Puts a leased entry back for a later attempt. */
export async function reschedule(db: DataSource, queue: LaneQueue, id: string, owner: string, at: Date, attempts: number, error: string | null): Promise<void> {
  await sql(db,
    `UPDATE ${queue.table} SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3, attempts = $4, last_error = $5
      WHERE id = $1 AND lease_owner = $2`,
    [id, owner, at.toISOString(), attempts, error],
  );
}

/**
 * A loop over one lane queue: claims leased heads, then handles them. `handle` gets the entries of
 * one integration and answers one promise per entry, settled when that entry is done (entries
 * written in one batch settle together).
 */
export interface LaneWorker {
  claim(owner: string, capacity: ClaimCapacity): Promise<QueueRow[]>;
  handle(owner: string, rows: QueueRow[]): Array<Promise<void>>;
}

/** Entries grouped by integration, in claim order. */
export function byIntegration(rows: QueueRow[]): QueueRow[][] {
  const groups = new Map<string, QueueRow[]>();
  for (const row of rows) {
    const id = String(row.integration_id);
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(row);
  }
  return [...groups.values()];
}

/** Claims and handles one round with nothing else running; returns how many entries it claimed. */
export async function runBatch(worker: LaneWorker, owner: string, perIntegration: number): Promise<number> {
  const rows = await worker.claim(owner, { perIntegration, busy: new Map() });
  await Promise.all(byIntegration(rows).flatMap((group) => worker.handle(owner, group)));
  return rows.length;
}
