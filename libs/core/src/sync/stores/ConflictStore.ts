import { randomUUID } from 'node:crypto';
import type { RecordKind } from '../../contracts/RecordKind';
import { iso, sql, type Db } from './db';

export interface ConflictView {
  id: string;
  record_kind: RecordKind;
  record_id: string;
  /** Seed 000's name of the record id, for incidents; null for other kinds. */
  incident_id: string | null;
  integration_id: string;
  field_name: string;
  external_field: string;
  platform_value: string | null;
  external_value: string | null;
  base_value: string | null;
  status: 'pending' | 'resolved' | 'ignored';
  resolution: string | null;
  strategy: string;
  detected_at: string;
  resolved_at: string | null;
}

export interface ConflictFilter {
  integration?: string;
  status?: 'pending' | 'resolved' | 'ignored';
  incident?: string;
  kind?: RecordKind;
  record?: string;
  limit: number;
  offset: number;
}

interface ConflictScope {
  kind: RecordKind;
  recordId: string;
  integrationId: string;
}

export async function heldFields(db: Db, scope: ConflictScope): Promise<Set<string>> {
  const rows: Array<{ field_name: string }> = await sql(db, 
    `SELECT field_name FROM conflict_records WHERE record_kind = $1 AND record_id = $2 AND integration_id = $3 AND status = 'pending'`,
    [scope.kind, scope.recordId, scope.integrationId],
  );
  return new Set(rows.map((r) => r.field_name));
}

export async function hasPendingConflict(db: Db, scope: ConflictScope): Promise<boolean> {
  const rows = await sql(db, `SELECT 1 FROM conflict_records WHERE record_kind = $1 AND record_id = $2 AND integration_id = $3 AND status = 'pending' LIMIT 1`, [scope.kind, scope.recordId, scope.integrationId]);
  return rows.length > 0;
}

/** The platform's latest value of a field a pending conflict holds. */
export async function updatePendingExternalValue(db: Db, scope: ConflictScope, field: string, value: string | null): Promise<void> {
  await sql(db, 
    `UPDATE conflict_records SET external_value = $5 WHERE record_kind = $1 AND record_id = $2 AND integration_id = $3 AND field_name = $4 AND status = 'pending'`,
    [scope.kind, scope.recordId, scope.integrationId, field, value],
  );
}

export async function insertConflict(
  db: Db,
  scope: ConflictScope & { organizationId: string },
  conflict: { field: string; externalField: string; platform: string | null; external: string | null; base: string | null; strategy: string; winner: 'platform' | 'external' | 'pending' },
  now: Date,
): Promise<void> {
  const pending = conflict.winner === 'pending';
  await sql(db, 
    `INSERT INTO conflict_records (id, organization_id, record_kind, record_id, integration_id, field_name, external_field, platform_value, external_value, base_value, status, resolution, strategy, detected_at, resolved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`,
    [randomUUID(), scope.organizationId, scope.kind, scope.recordId, scope.integrationId, conflict.field, conflict.externalField, conflict.platform, conflict.external, conflict.base,
      pending ? 'pending' : 'resolved', pending ? null : `auto:use_${conflict.winner}`, conflict.strategy, now.toISOString(), pending ? null : now.toISOString()],
  );
}

export async function listConflicts(db: Db, organizationId: string, filter: ConflictFilter): Promise<{ items: ConflictView[]; total: number }> {
  const where = ['organization_id = $1'];
  const params: unknown[] = [organizationId];
  const columns = [['integration_id', filter.integration], ['status', filter.status], ['incident_id', filter.incident], ['record_kind', filter.kind], ['record_id', filter.record]] as const;
  for (const [column, value] of columns) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  const [{ count }] = await sql(db, `SELECT count(*)::int AS count FROM conflict_records WHERE ${where.join(' AND ')}`, params);
  const rows = await sql(db, 
    `SELECT * FROM conflict_records WHERE ${where.join(' AND ')} ORDER BY detected_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  return { items: rows.map(toConflict), total: count };
}

export async function getConflict(db: Db, organizationId: string, id: string): Promise<ConflictView | undefined> {
  const rows = await sql(db, `SELECT * FROM conflict_records WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
  return rows[0] ? toConflict(rows[0]) : undefined;
}

/** Marks a pending conflict resolved or ignored; false when it no longer was pending. */
export async function closeConflict(db: Db, id: string, use: 'platform' | 'external' | 'ignore', now: Date): Promise<boolean> {
  const claimed = (await sql(db, 
    `UPDATE conflict_records SET status = $2, resolution = $3, resolved_at = $4 WHERE id = $1 AND status = 'pending' RETURNING id`,
    [id, use === 'ignore' ? 'ignored' : 'resolved', use === 'ignore' ? 'ignore' : `use_${use}`, now.toISOString()],
  ));
  return claimed.length > 0;
}

export async function countPendingConflicts(db: Db, integrationId: string): Promise<number> {
  const [row] = await sql(db, `SELECT count(*)::int AS n FROM conflict_records WHERE integration_id = $1 AND status = 'pending'`, [integrationId]);
  return row.n;
}

function toConflict(row: Record<string, unknown>): ConflictView {
  return {
    id: String(row.id),
    record_kind: String(row.record_kind),
    record_id: String(row.record_id),
    incident_id: (row.incident_id as string | null) ?? null,
    integration_id: String(row.integration_id),
    field_name: String(row.field_name),
    external_field: String(row.external_field),
    platform_value: (row.platform_value as string | null) ?? null,
    external_value: (row.external_value as string | null) ?? null,
    base_value: (row.base_value as string | null) ?? null,
    status: row.status as ConflictView['status'],
    resolution: (row.resolution as string | null) ?? null,
    strategy: String(row.strategy),
    detected_at: iso(row.detected_at) ?? '',
    resolved_at: iso(row.resolved_at),
  };
}
