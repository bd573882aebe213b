import { randomUUID } from 'node:crypto';
import type { RecordKind } from '../../contracts/RecordKind';
import { iso, sql, type Db } from './db';
import type { OutboxEntry } from './OutboxStore';

export interface DeadLetterEntry {
  id: string;
  integration_id: string;
  record_kind: RecordKind;
  record_id: string;
  /** Seed 000's name of the record id, for incidents; null for other kinds. */
  incident_id: string | null;
  job: 'record' | 'journal';
  journal_id: string | null;
  origin: string;
  corrective: boolean;
  request: unknown;
  error_message: string;
  error_status: number | null;
  error_kind: string | null;
  attempts: number;
  created_at: string;
}

export interface Failure {
  message: string;
  status?: number;
  kind?: string;
  request?: unknown;
  attempts: number;
}

export async function insertDeadLetter(db: Db, entry: OutboxEntry, failure: Failure, now: Date): Promise<void> {
  await sql(db, 
    `INSERT INTO dead_letter_entries (id, organization_id, integration_id, record_kind, record_id, job, journal_id, origin, corrective, request, error_message, error_status, error_kind, attempts, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)`,
    [randomUUID(), entry.organization_id, entry.integration_id, entry.record_kind, entry.record_id, entry.job, entry.journal_id, entry.origin, entry.corrective,
      JSON.stringify(failure.request ?? null), failure.message, failure.status ?? null, failure.kind ?? null, failure.attempts, now.toISOString()],
  );
}

export async function listDeadLetters(db: Db, integrationId: string, page: { limit: number; offset: number }): Promise<{ items: DeadLetterEntry[]; total: number }> {
  const [{ count }] = await sql(db, `SELECT count(*)::int AS count FROM dead_letter_entries WHERE integration_id = $1`, [integrationId]);
  const rows = await sql(db, `SELECT * FROM dead_letter_entries WHERE integration_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`, [integrationId, page.limit, page.offset]);
  return { items: rows.map(toDeadLetter), total: count };
}

export async function takeDeadLetter(db: Db, integrationId: string, entryId: string): Promise<DeadLetterEntry & { organization_id: string } | undefined> {
  const rows = await sql<Record<string, unknown>>(db, `DELETE FROM dead_letter_entries WHERE id = $1 AND integration_id = $2 RETURNING *`, [entryId, integrationId]);
  return rows[0] ? { ...toDeadLetter(rows[0]), organization_id: String(rows[0].organization_id) } : undefined;
}

export async function hasDeadLetters(db: Db, integrationId: string, kind: RecordKind, recordId: string): Promise<boolean> {
  const rows = await sql(db, `SELECT 1 FROM dead_letter_entries WHERE integration_id = $1 AND record_kind = $2 AND record_id = $3 LIMIT 1`, [integrationId, kind, recordId]);
  return rows.length > 0;
}

function toDeadLetter(row: Record<string, unknown>): DeadLetterEntry {
  return {
    id: String(row.id),
    integration_id: String(row.integration_id),
    record_kind: String(row.record_kind),
    record_id: String(row.record_id),
    incident_id: (row.incident_id as string | null) ?? null,
    job: row.job as DeadLetterEntry['job'],
    journal_id: (row.journal_id as string | null) ?? null,
    origin: String(row.origin),
    corrective: Boolean(row.corrective),
    request: row.request,
    error_message: String(row.error_message),
    error_status: (row.error_status as number | null) ?? null,
    error_kind: (row.error_kind as string | null) ?? null,
    attempts: Number(row.attempts),
    created_at: iso(row.created_at) ?? '',
  };
}
