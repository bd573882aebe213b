import { randomUUID } from 'node:crypto';
import type { FieldValue } from '../contracts/FieldValue';
import type { Statement } from '../persistence/sql';
import { iso, sql, type Db } from '../sync/stores/db';
import type { FieldChange, HubRecord, JournalEntry } from './HubRecord';
import type { RecordKindDefinition } from './kinds/RecordKindDefinition';

/**
 * All SQL on canonical records and their journals. A kind with a table of its own keeps each field
 * in a column of that name; every other kind keeps its values in `hub_records.fields`.
 */
export function toRecord(kind: RecordKindDefinition, row: Record<string, unknown>): HubRecord {
  const values: Record<string, FieldValue> = {};
  const stored = kind.table ? row : ((row.fields as Record<string, FieldValue>) ?? {});
  for (const field of Object.keys(kind.fields)) values[field] = (stored[field] as FieldValue | undefined) ?? null;
  return {
    kind: kind.name,
    id: String(row.id),
    organization_id: String(row.organization_id),
    values,
    field_changes: (row.field_changes as Record<string, FieldChange>) ?? {},
    version: Number(row.version),
    origin: String(row.origin),
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
  };
}

export async function insertRecord(
  db: Db,
  kind: RecordKindDefinition,
  record: { organizationId: string; origin: string; values: Record<string, FieldValue>; changes: Record<string, FieldChange>; at: string },
): Promise<HubRecord> {
  const { text, params } = insertRecordStatement(kind, { ...record, id: randomUUID() });
  return toRecord(kind, (await sql(db, text, params))[0]);
}

/** The insert of a new record (RETURNING it), to run alone or with its fan-out (`combine`). */
export function insertRecordStatement(
  kind: RecordKindDefinition,
  record: { id: string; organizationId: string; origin: string; values: Record<string, FieldValue>; changes: Record<string, FieldChange>; at: string },
): Statement {
  if (!kind.table) {
    return {
      text: `INSERT INTO hub_records (id, organization_id, kind, origin, fields, field_changes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7) RETURNING *`,
      params: [record.id, record.organizationId, kind.name, record.origin, JSON.stringify(record.values), JSON.stringify(record.changes), record.at],
    };
  }
  const columns = Object.keys(record.values);
  return {
    text: `INSERT INTO ${kind.table} (id, organization_id, origin, field_changes, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
     VALUES ($1, $2, $3, $4::jsonb, $5, $5${columns.map((_, i) => `, $${i + 6}`).join('')}) RETURNING *`,
    params: [record.id, record.organizationId, record.origin, JSON.stringify(record.changes), record.at, ...columns.map((c) => record.values[c])],
  };
}

export async function updateRecord(db: Db, kind: RecordKindDefinition, current: HubRecord, changed: Record<string, FieldValue>, changes: Record<string, FieldChange>, now: string): Promise<HubRecord> {
  const { text, params } = updateRecordStatement(kind, current, changed, changes, now);
  return toRecord(kind, (await sql(db, text, params))[0]);
}

/**
 * The update of a record's changed fields (RETURNING it). With `onlyAtVersion` it applies only
 * while the record is still at the version `current` was read at: optimistic, for writes made
 * without a row lock.
 */
export function updateRecordStatement(kind: RecordKindDefinition, current: HubRecord, changed: Record<string, FieldValue>, changes: Record<string, FieldChange>, now: string, onlyAtVersion = false): Statement {
  const fields = Object.keys(changed);
  if (!kind.table) {
    return {
      text: `UPDATE hub_records SET fields = fields || $3::jsonb, field_changes = $4::jsonb, version = version + 1, updated_at = $5
        WHERE id = $1 AND organization_id = $2${onlyAtVersion ? ' AND version = $6' : ''} RETURNING *`,
      params: [current.id, current.organization_id, JSON.stringify(changed), JSON.stringify(changes), now, ...(onlyAtVersion ? [current.version] : [])],
    };
  }
  return {
    text: `UPDATE ${kind.table} SET ${fields.map((f, i) => `${f} = $${i + 3}`).join(', ')}, field_changes = $${fields.length + 3}::jsonb,
            version = version + 1, updated_at = $${fields.length + 4}
      WHERE id = $1 AND organization_id = $2${onlyAtVersion ? ` AND version = $${fields.length + 5}` : ''} RETURNING *`,
    params: [current.id, current.organization_id, ...fields.map((f) => changed[f]), JSON.stringify(changes), now, ...(onlyAtVersion ? [current.version] : [])],
  };
}

export async function selectRecord(db: Db, kind: RecordKindDefinition, organizationId: string | undefined, id: string, lock = false): Promise<HubRecord | undefined> {
  const table = kind.table ?? 'hub_records';
  const params: unknown[] = [id];
  let where = 'id = $1';
  if (!kind.table) {
    params.push(kind.name);
    where += ` AND kind = $${params.length}`;
  }
  if (organizationId !== undefined) {
    params.push(organizationId);
    where += ` AND organization_id = $${params.length}`;
  }
  const rows = await sql(db, `SELECT * FROM ${table} WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, params);
  return rows[0] ? toRecord(kind, rows[0]) : undefined;
}

export async function insertJournalEntry(
  db: Db,
  entry: { organizationId: string; kind: string; recordId: string; body: string; author: string | null; visibility: 'public' | 'internal'; origin: string; at: string },
): Promise<JournalEntry> {
  const rows = await sql(db, 
    `INSERT INTO record_journal (id, organization_id, record_kind, record_id, body, author, visibility, origin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [randomUUID(), entry.organizationId, entry.kind, entry.recordId, entry.body, entry.author, entry.visibility, entry.origin, entry.at],
  );
  return toJournalEntry(rows[0]);
}

export async function journalOf(db: Db, kind: string, recordId: string): Promise<JournalEntry[]> {
  const rows = await sql(db, `SELECT * FROM record_journal WHERE record_kind = $1 AND record_id = $2 ORDER BY seq`, [kind, recordId]);
  return rows.map(toJournalEntry);
}

export async function journalEntry(db: Db, id: string): Promise<JournalEntry | undefined> {
  const rows = await sql(db, `SELECT * FROM record_journal WHERE id = $1`, [id]);
  return rows[0] ? toJournalEntry(rows[0]) : undefined;
}

export function toJournalEntry(row: Record<string, unknown>): JournalEntry {
  return {
    id: String(row.id),
    record_kind: String(row.record_kind),
    record_id: String(row.record_id),
    body: String(row.body),
    author: (row.author as string | null) ?? null,
    visibility: row.visibility as JournalEntry['visibility'],
    origin: String(row.origin),
    created_at: iso(row.created_at) ?? '',
  };
}
