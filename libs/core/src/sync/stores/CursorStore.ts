import type { RecordKind } from '../../contracts/RecordKind';
import { sql, type Db } from './db';

export interface DueCursor {
  integration_id: string;
  record_kind: RecordKind;
  cursor: string | null;
}

/** Makes sure every polled (integration, kind) has a cursor row. */
export async function ensureCursors(db: Db, pairs: Array<{ integrationId: string; kind: RecordKind }>, now: Date): Promise<void> {
  if (pairs.length === 0) return;
  await sql(db, 
    `INSERT INTO sync_cursors (integration_id, record_kind, next_poll_at)
     SELECT * FROM unnest($1::text[], $2::text[], array_fill($3::timestamptz, ARRAY[cardinality($1::text[])]))
     ON CONFLICT DO NOTHING`,
    [pairs.map((p) => p.integrationId), pairs.map((p) => p.kind), now.toISOString()],
  );
}

/** Leases up to `limit` cursors that are due and not leased. */
export async function claimDueCursors(db: Db, owner: string, now: Date, leaseMs: number, limit: number): Promise<DueCursor[]> {
  return (await sql<DueCursor>(db, 
    `UPDATE sync_cursors c SET lease_owner = $1, lease_expires_at = $2::timestamptz + ($3 || ' milliseconds')::interval
      WHERE (c.integration_id, c.record_kind) IN (
        SELECT integration_id, record_kind FROM sync_cursors WHERE next_poll_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at < $2)
         FOR UPDATE SKIP LOCKED LIMIT $4)
      RETURNING c.integration_id, c.record_kind, c.cursor`,
    [owner, now.toISOString(), String(leaseMs), limit],
  ));
}

export async function saveCursor(db: Db, key: { integrationId: string; kind: RecordKind; owner: string }, cursor: string | null): Promise<void> {
  await sql(db, `UPDATE sync_cursors SET cursor = $3 WHERE integration_id = $1 AND record_kind = $2 AND lease_owner = $4`, [key.integrationId, key.kind, cursor, key.owner]);
}

export async function releaseCursor(db: Db, key: { integrationId: string; kind: RecordKind; owner: string }, next: Date, now: Date, error: string | null): Promise<void> {
  await sql(db, 
    `UPDATE sync_cursors SET lease_owner = NULL, lease_expires_at = NULL, next_poll_at = $3, last_polled_at = $4, last_error = $5
      WHERE integration_id = $1 AND record_kind = $2 AND lease_owner = $6`,
    [key.integrationId, key.kind, next.toISOString(), now.toISOString(), error, key.owner],
  );
}

export async function lastPolledAt(db: Db, integrationId: string): Promise<unknown> {
  const [row] = await sql(db, `SELECT max(last_polled_at) AS at FROM sync_cursors WHERE integration_id = $1`, [integrationId]);
  return row?.at ?? null;
}
