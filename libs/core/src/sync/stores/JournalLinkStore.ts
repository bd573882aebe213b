import type { RecordKind } from '../../contracts/RecordKind';
import { sql, type Db } from './db';

/** Which journal entries are on which integration, and under which platform id. */
export async function sentEntry(db: Db, entryId: string, integrationId: string): Promise<{ external_entry_id: string | null } | undefined> {
  const rows = await sql(db, `SELECT external_entry_id FROM journal_links WHERE entry_id = $1 AND integration_id = $2`, [entryId, integrationId]);
  return rows[0];
}

export async function externalEntryTaken(db: Db, integrationId: string, externalEntryId: string): Promise<boolean> {
  const rows = await sql(db, `SELECT 1 FROM journal_links WHERE integration_id = $1 AND external_entry_id = $2`, [integrationId, externalEntryId]);
  return rows.length > 0;
}

/** Marks an entry as being sent (no platform id yet), so an unanswered attempt is looked up first. */
export async function markEntrySending(db: Db, entryId: string, integrationId: string): Promise<void> {
  await sql(db, `INSERT INTO journal_links (entry_id, integration_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [entryId, integrationId]);
}

export async function linkEntry(db: Db, entryId: string, integrationId: string, externalEntryId: string | null): Promise<void> {
  await sql(db, 
    `INSERT INTO journal_links (entry_id, integration_id, external_entry_id) VALUES ($1, $2, $3)
     ON CONFLICT (entry_id, integration_id) DO UPDATE SET external_entry_id = $3`,
    [entryId, integrationId, externalEntryId],
  );
}

/** Records an entry as sent and completes its outbox job, in one statement. */
export async function linkEntryAndComplete(db: Db, entryId: string, integrationId: string, externalEntryId: string | null, job: { id: string; owner: string }): Promise<void> {
  await sql(db, 
    `WITH sent AS (
       INSERT INTO journal_links (entry_id, integration_id, external_entry_id) VALUES ($1, $2, $3)
       ON CONFLICT (entry_id, integration_id) DO UPDATE SET external_entry_id = $3)
     DELETE FROM sync_outbox WHERE id = $4 AND lease_owner = $5`,
    [entryId, integrationId, externalEntryId, job.id, job.owner],
  );
}

/** A hub entry of the record being sent to the integration whose body matches (our own entry coming back). */
export async function unansweredEntryWithBody(db: Db, integrationId: string, kind: RecordKind, recordId: string, body: string): Promise<string | undefined> {
  const rows = await sql(db, 
    `SELECT jl.entry_id FROM journal_links jl JOIN record_journal j ON j.id = jl.entry_id
      WHERE jl.integration_id = $1 AND jl.external_entry_id IS NULL AND j.record_kind = $2 AND j.record_id = $3 AND btrim(j.body) = btrim($4)
      ORDER BY j.seq LIMIT 1`,
    [integrationId, kind, recordId, body],
  );
  return rows[0]?.entry_id;
}
