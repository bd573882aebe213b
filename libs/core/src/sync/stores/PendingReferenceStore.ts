import type { FieldValue } from '../../contracts/FieldValue';
import type { RecordKind } from '../../contracts/RecordKind';
import { sql, type Db } from './db';

/**
 * A field of a hub record whose platform value refers to platform records the hub does not have
 * yet: the value is kept in the platform's ids, and applied once every one of them has arrived.
 */
export interface PendingReference {
  integration_id: string;
  record_kind: RecordKind;
  record_id: string;
  field_name: string;
  /** The platform's value, references in the platform's ids. */
  value: FieldValue;
  /** The platform records still missing, as `kind/external id`. */
  waiting_on: string[];
  created_at: string;
}

type RecordOnIntegration = { organizationId: string; integrationId: string; kind: RecordKind; recordId: string };

/** Replaces the pending fields of a record on one integration: `settled` fields are no longer pending. */
export async function replacePending(db: Db, key: RecordOnIntegration, pending: Array<{ field: string; value: FieldValue; waitingOn: string[] }>, settled: string[]): Promise<void> {
  const fields = [...settled, ...pending.map((p) => p.field)];
  if (fields.length === 0) return;
  await sql(db,
    `WITH gone AS (DELETE FROM pending_references WHERE integration_id = $2 AND record_kind = $3 AND record_id = $4 AND field_name = ANY($5::text[]))
     INSERT INTO pending_references (organization_id, integration_id, record_kind, record_id, field_name, value, waiting_on)
     SELECT $1, $2, $3, $4, p.field, p.value, ARRAY(SELECT jsonb_array_elements_text(p.waiting_on))
       FROM jsonb_to_recordset($6::jsonb) AS p (field text, value jsonb, waiting_on jsonb)
     ON CONFLICT (integration_id, record_kind, record_id, field_name) DO UPDATE SET value = EXCLUDED.value, waiting_on = EXCLUDED.waiting_on`,
    [key.organizationId, key.integrationId, key.kind, key.recordId, fields, JSON.stringify(pending.map((p) => ({ field: p.field, value: p.value, waiting_on: p.waitingOn })))],
  );
}

/** Pending fields on an integration that wait for one platform record (`kind/external id`). */
export async function pendingWaitingFor(db: Db, integrationId: string, ref: string): Promise<PendingReference[]> {
  return sql<PendingReference>(db, `SELECT * FROM pending_references WHERE integration_id = $1 AND waiting_on @> ARRAY[$2::text] ORDER BY created_at FOR UPDATE`, [integrationId, ref]);
}

export async function removePending(db: Db, row: Pick<PendingReference, 'integration_id' | 'record_kind' | 'record_id' | 'field_name'>): Promise<void> {
  await sql(db, `DELETE FROM pending_references WHERE integration_id = $1 AND record_kind = $2 AND record_id = $3 AND field_name = $4`, [row.integration_id, row.record_kind, row.record_id, row.field_name]);
}

export async function pendingOfRecord(db: Db, kind: RecordKind, recordId: string): Promise<PendingReference[]> {
  const rows = await sql<Omit<PendingReference, 'created_at'> & { created_at: Date | string }>(db, `SELECT * FROM pending_references WHERE record_kind = $1 AND record_id = $2 ORDER BY field_name, integration_id`, [kind, recordId]);
  return rows.map((r) => ({ ...r, created_at: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at) }));
}
