import { sql, type Db } from './db';

export interface QueueDepths {
  outbox: number;
  inbox: number;
  /** Inbound events kept as failed, waiting for a retry or a discard. */
  inbox_failed: number;
  dead_letter: number;
}

/** Entries waiting in the outbox, the inbox (pending and failed) and the dead letter queue, of one integration or of all. */
export async function queueDepths(db: Db, integrationId?: string): Promise<QueueDepths> {
  const where = integrationId === undefined ? '' : ' WHERE integration_id = $1';
  const [row] = await sql(db, 
    `SELECT (SELECT count(*) FROM sync_outbox${where})::int AS outbox,
            (SELECT count(*) FILTER (WHERE state = 'pending') FROM sync_inbox${where})::int AS inbox,
            (SELECT count(*) FILTER (WHERE state = 'failed') FROM sync_inbox${where})::int AS inbox_failed,
            (SELECT count(*) FROM dead_letter_entries${where})::int AS dead_letter`,
    integrationId === undefined ? [] : [integrationId],
  );
  return row;
}
