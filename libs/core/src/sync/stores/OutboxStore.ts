import type { EntityManager } from 'typeorm';
import type { RecordKind } from '../../contracts/RecordKind';
import type { Statement } from '../../persistence/sql';
import { iso, sql, type Db } from './db';
import { targetsIntegration } from './RecordTargetStore';

/** A job of the outbox: the fields of a record, or one journal entry, for one integration. */
export interface OutboxEntry {
  id: string;
  organization_id: string;
  integration_id: string;
  record_kind: RecordKind;
  record_id: string;
  job: 'record' | 'journal';
  journal_id: string | null;
  origin: string;
  corrective: boolean;
  fields: string[];
  attempts: number;
  created_at: Date;
}

export interface FanOut {
  organizationId: string;
  kind: RecordKind;
  recordId: string;
  job: { type: 'record'; fields: string[] } | { type: 'journal'; entryId: string };
  /** Integration the change came from: it gets nothing unless `correctiveTo` names it. */
  origin: string;
  /** An integration that must get a corrective write even though it is the origin. */
  correctiveTo?: string;
  /** Integration types whose adapters write this kind; the others get no job. */
  types: string[];
  /**
   * When the jobs are due: now on the hub's clock, which claims compare with (the database's own
   * now() has microseconds the hub's clock lacks, so a job inserted with it may not yet be due in
   * the millisecond it was inserted).
   */
  at: Date;
}

/**
 * Writes jobs in the caller's transaction, so a change and its deliveries commit or roll back
 * together: one per enabled integration whose adapter writes the kind and whose direction for the
 * kind sends out (`kind_directions`, else the integration's direction), among the record's targets
 * when it carries any.
 */
export async function enqueueFanOut(tx: EntityManager, fan: FanOut): Promise<number> {
  const { text, params } = fanOutStatement(fan);
  return (await sql(tx, text, params)).length;
}

/** The fan-out as a statement of its own; `onlyIf` is an SQL condition it also needs (a CTE it depends on). */
export function fanOutStatement(fan: FanOut, onlyIf?: string): Statement {
  const fields = fan.job.type === 'record' ? fan.job.fields : [];
  const entryId = fan.job.type === 'journal' ? fan.job.entryId : null;
  return {
    text: `INSERT INTO sync_outbox (organization_id, integration_id, record_kind, record_id, job, journal_id, origin, corrective, fields, next_attempt_at)
     SELECT $1, i.id, $2, $3, $4, $5, $6, i.id = COALESCE($7, ''), $8::jsonb, $10::timestamptz
       FROM integration_configurations i
      WHERE i.organization_id = $1 AND i.enabled AND i.integration_type = ANY($9)
        AND COALESCE(i.kind_directions->>$2, i.sync_direction) IN ('outbound', 'bidirectional')
        AND (i.id <> $6 OR i.id = $7)
        AND ${targetsIntegration('$2', '$3', 'i.id')}${onlyIf ? ` AND ${onlyIf}` : ''}
     RETURNING id`,
    params: [fan.organizationId, fan.kind, fan.recordId, fan.job.type, entryId, fan.origin, fan.correctiveTo ?? null, JSON.stringify(fields), fan.types, fan.at.toISOString()],
  };
}

/** A corrective write to one integration only (conflict resolved with the hub's value, hub-owned field). */
export async function enqueueCorrective(tx: Db, target: { organizationId: string; kind: RecordKind; recordId: string; integrationId: string }, fields: string[], at: Date): Promise<void> {
  await sql(tx, 
    `INSERT INTO sync_outbox (organization_id, integration_id, record_kind, record_id, job, origin, corrective, fields, next_attempt_at)
     VALUES ($1, $2, $3, $4, 'record', 'hub', true, $5::jsonb, $6)`,
    [target.organizationId, target.integrationId, target.kind, target.recordId, JSON.stringify(fields), at.toISOString()],
  );
}

/** Puts a dead-lettered job back at the end of its lane, due `at`. */
export async function requeue(tx: Db, entry: Pick<OutboxEntry, 'organization_id' | 'integration_id' | 'record_kind' | 'record_id' | 'job' | 'journal_id' | 'origin' | 'corrective'>, at: Date): Promise<void> {
  await sql(tx, 
    `INSERT INTO sync_outbox (organization_id, integration_id, record_kind, record_id, job, journal_id, origin, corrective, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [entry.organization_id, entry.integration_id, entry.record_kind, entry.record_id, entry.job, entry.journal_id, entry.origin, entry.corrective, at.toISOString()],
  );
}

export async function completeJobs(db: Db, ids: string[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await sql(db, `DELETE FROM sync_outbox WHERE id = ANY($1::bigint[]) AND lease_owner = $2`, [ids, owner]);
}

export async function removeJob(db: Db, id: string): Promise<void> {
  await sql(db, `DELETE FROM sync_outbox WHERE id = $1`, [id]);
}

/** Unleased jobs of one record on one integration (after unlinking it). */
export async function removeWaitingJobs(db: Db, integrationId: string, kind: RecordKind, recordId: string): Promise<void> {
  await sql(db, `DELETE FROM sync_outbox WHERE integration_id = $1 AND record_kind = $2 AND record_id = $3 AND lease_owner IS NULL`, [integrationId, kind, recordId]);
}

export function toOutboxEntry(row: Record<string, unknown>): OutboxEntry {
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    integration_id: String(row.integration_id),
    record_kind: String(row.record_kind),
    record_id: String(row.record_id),
    job: row.job as OutboxEntry['job'],
    journal_id: (row.journal_id as string | null) ?? null,
    origin: String(row.origin),
    corrective: Boolean(row.corrective),
    fields: (row.fields as string[]) ?? [],
    attempts: Number(row.attempts),
    created_at: new Date(iso(row.created_at) ?? 0),
  };
}
