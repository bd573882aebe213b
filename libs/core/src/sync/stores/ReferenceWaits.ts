import type { RecordKind } from '../../contracts/RecordKind';
import { sql, type Db } from './db';

/** A hub record as a waiting job names it: `kind/id`. */
export const refKey = (kind: RecordKind, id: string): string => `${kind}/${id}`;

/** Expressions that split a `kind/id` key (kind names hold no slash). */
const KIND_OF = (r: string) => `split_part(${r}, '/', 1)`;
const ID_OF = (r: string) => `substr(${r}, strpos(${r}, '/') + 1)`;

/**
 * Wakes the jobs of an integration waiting on one record: they are claimable again once nothing
 * else holds them, and find out on their next run whether the reference now resolves. Called in a
 * statement of its own after the change that may resolve it (a write, a link, a dead letter) has
 * committed: a job parked before that commit is woken here, and one parked after it sees the change
 * when it checks its references again (see OutboundWorker.waitFor).
 */
export async function wakeWaiters(db: Db, integrationId: string, kind: RecordKind, recordId: string): Promise<void> {
  await sql(db,
    `UPDATE sync_outbox SET waiting_on = NULLIF(array_remove(waiting_on, $2), '{}') WHERE integration_id = $1 AND waiting_on @> ARRAY[$2::text]`,
    [integrationId, refKey(kind, recordId)]);
}

/** Where a referenced record stands on one integration, to tell waiting from never. */
export interface ReferenceState {
  /** It has a platform id there now. */
  linked: boolean;
  exists: boolean;
  /** A job to write the record to the integration is queued (or running). */
  queued: boolean;
  /** Its write to the integration is in the dead letter queue. */
  buried: boolean;
}

export async function referenceState(db: Db, integrationId: string, table: { name: string; generic: boolean }, ref: { kind: RecordKind; id: string }): Promise<ReferenceState> {
  const [row] = await sql<ReferenceState>(db,
    `SELECT EXISTS (SELECT 1 FROM integration_sync_map l WHERE l.integration_id = $1 AND l.entity_type = $2 AND l.entity_id = $3 AND l.external_id IS NOT NULL) AS linked,
            EXISTS (SELECT 1 FROM ${table.name} r WHERE r.id = $3${table.generic ? ' AND r.kind = $2' : ''}) AS exists,
            EXISTS (SELECT 1 FROM sync_outbox o WHERE o.integration_id = $1 AND o.record_kind = $2 AND o.record_id = $3 AND o.job = 'record') AS queued,
            EXISTS (SELECT 1 FROM dead_letter_entries d WHERE d.integration_id = $1 AND d.record_kind = $2 AND d.record_id = $3 AND d.job = 'record') AS buried`,
    [integrationId, ref.kind, ref.id],
  );
  return row;
}

/**
 * True when the referenced record's job waits, through references, for the referrer (or is it).
 * Asked after the referrer's job is parked, so of two jobs parking on each other at the same moment
 * at least the later one sees the cycle.
 */
export async function inCycle(db: Db, integrationId: string, ref: string, referrer: string): Promise<boolean> {
  if (ref === referrer) return true;
  const [row] = await sql<{ cycle: boolean }>(db,
    `SELECT EXISTS (
       WITH RECURSIVE chain (ref) AS (
         SELECT unnest(o.waiting_on) FROM sync_outbox o WHERE o.integration_id = $1 AND o.record_kind = ${KIND_OF('$2')} AND o.record_id = ${ID_OF('$2')} AND o.waiting_on IS NOT NULL
         UNION
         SELECT unnest(o.waiting_on) FROM sync_outbox o JOIN chain c ON o.record_kind = ${KIND_OF('c.ref')} AND o.record_id = ${ID_OF('c.ref')}
          WHERE o.integration_id = $1 AND o.waiting_on IS NOT NULL)
       SELECT 1 FROM chain WHERE ref = $3) AS cycle`,
    [integrationId, ref, referrer],
  );
  return row.cycle;
}

/**
 * Parks a leased job on the records it refers to: it keeps its place in its lane and, until
 * `releaseParked`, its lease; writes of those records wake it.
 */
export async function parkUntilWritten(db: Db, job: { id: string; owner: string }, refs: string[], message: string): Promise<void> {
  await sql(db, `UPDATE sync_outbox SET waiting_on = $3, last_error = $4 WHERE id = $1 AND lease_owner = $2`, [job.id, job.owner, refs, message]);
}

/**
 * Gives up the lease of a parked job, no longer waiting on `written` (references found on the
 * platform since it was parked): it is claimed again once nothing holds it back.
 */
export async function releaseParked(db: Db, job: { id: string; owner: string }, written: string[]): Promise<void> {
  await sql(db,
    `UPDATE sync_outbox SET lease_owner = NULL, lease_expires_at = NULL,
            waiting_on = NULLIF(ARRAY(SELECT r FROM unnest(waiting_on) r WHERE r <> ALL($3::text[])), '{}')
      WHERE id = $1 AND lease_owner = $2`,
    [job.id, job.owner, written]);
}

/**
 * Wakes waiting jobs that a write should have woken but did not (it read the queue a moment before
 * the job was parked): a reference now written, or one with nothing left to write it. A safety net
 * behind the wake-ups of writes; returns how many it woke.
 */
export async function wakeMissedWaiters(db: Db): Promise<number> {
  const rows = await sql(db,
    `UPDATE sync_outbox o SET waiting_on = NULL
      WHERE o.waiting_on IS NOT NULL AND EXISTS (
        SELECT 1 FROM unnest(o.waiting_on) r
         WHERE EXISTS (SELECT 1 FROM integration_sync_map l WHERE l.integration_id = o.integration_id AND l.entity_type = ${KIND_OF('r')} AND l.entity_id = ${ID_OF('r')} AND l.external_id IS NOT NULL)
            OR NOT EXISTS (SELECT 1 FROM sync_outbox j WHERE j.integration_id = o.integration_id AND j.record_kind = ${KIND_OF('r')} AND j.record_id = ${ID_OF('r')} AND j.job = 'record'))
      RETURNING o.id`,
  );
  return rows.length;
}
