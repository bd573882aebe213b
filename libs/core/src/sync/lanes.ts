import type { DataSource } from 'typeorm';
import { sql } from './stores/db';

export interface LaneQueue {
  table: 'sync_outbox' | 'sync_inbox';
  /** The columns whose values form one lane: its entries are handled one at a time, in id order. */
  lane: readonly string[];
}

export const OUTBOX: LaneQueue = { table: 'sync_outbox', lane: ['integration_id', 'record_kind', 'record_id'] };
export const INBOX: LaneQueue = { table: 'sync_inbox', lane: ['integration_id', 'record_kind', 'external_id'] };

/**
 * Leases the heads of up to `limit` lanes whose head is due and not leased. A short transaction
 * that only writes the lease: no transaction stays open while the platform is called, and
 * SKIP LOCKED lets several processes claim side by side without taking the same lane.
 */
export async function claimHeads(db: DataSource, queue: LaneQueue, owner: string, now: Date, leaseMs: number, limit: number): Promise<Record<string, unknown>[]> {
  const rows = (await sql<Record<string, unknown>>(db, 
    `UPDATE ${queue.table} q SET lease_owner = $1, lease_expires_at = $3::timestamptz + ($4 || ' milliseconds')::interval
      WHERE q.id IN (
        SELECT h.id FROM ${queue.table} h
         WHERE h.id IN (SELECT min(id) FROM ${queue.table} GROUP BY ${queue.lane.join(', ')})
           AND h.next_attempt_at <= $3 AND (h.lease_expires_at IS NULL OR h.lease_expires_at < $3)
         ORDER BY h.id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING q.*`,
    [owner, limit, now.toISOString(), String(leaseMs)],
  ));
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

/** A loop over one lane queue: claims leased heads, then handles each. */
export interface LaneWorker {
  claim(owner: string, limit: number): Promise<Record<string, unknown>[]>;
  handle(owner: string, row: Record<string, unknown>): Promise<void>;
}

/** Claims and handles one batch; returns how many entries it claimed. */
export async function runBatch(worker: LaneWorker, owner: string, limit: number): Promise<number> {
  const rows = await worker.claim(owner, limit);
  await Promise.all(rows.map((row) => worker.handle(owner, row)));
  return rows.length;
}
