import type { RecordKind } from '../contracts/RecordKind';
import type { HubRecord } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { toRecord } from '../records/RecordStore';
import { sql, type Db } from '../sync/stores/db';
import { toLink, type Link } from '../sync/stores/LinkStore';
import { targetsIntegration } from '../sync/stores/RecordTargetStore';

/**
 * The hub side of one page of a scan, in one statement per question: links of the page's platform
 * ids, links of the hub records they name, those records and the fields pending conflicts hold.
 */

export async function linksByExternalIds(db: Db, integrationId: string, kind: RecordKind, externalIds: string[]): Promise<Map<string, Link>> {
  if (externalIds.length === 0) return new Map();
  const rows = await sql(db, `SELECT * FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND external_id = ANY($3)`, [integrationId, kind, externalIds]);
  return new Map(rows.map((row) => [String(row.external_id), toLink(row)]));
}

export async function linksByRecordIds(db: Db, integrationId: string, kind: RecordKind, recordIds: string[]): Promise<Map<string, Link>> {
  if (recordIds.length === 0) return new Map();
  const rows = await sql(db, `SELECT * FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND entity_id = ANY($3)`, [integrationId, kind, recordIds]);
  return new Map(rows.map((row) => [String(row.entity_id), toLink(row)]));
}

export async function recordsByIds(db: Db, kind: RecordKindDefinition, organizationId: string, ids: string[]): Promise<Map<string, HubRecord>> {
  const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return new Map();
  const rows = kind.table
    ? await sql(db, `SELECT * FROM ${kind.table} WHERE organization_id = $1 AND id = ANY($2)`, [organizationId, valid])
    : await sql(db, `SELECT * FROM hub_records WHERE organization_id = $1 AND kind = $2 AND id = ANY($3)`, [organizationId, kind.name, valid]);
  return new Map(rows.map((row) => [String(row.id), toRecord(kind, row)]));
}

export async function heldFieldsOf(db: Db, integrationId: string, kind: RecordKind, recordIds: string[]): Promise<Map<string, Set<string>>> {
  const held = new Map<string, Set<string>>();
  if (recordIds.length === 0) return held;
  const rows: Array<{ record_id: string; field_name: string }> = await sql(db,
    `SELECT record_id, field_name FROM conflict_records WHERE integration_id = $1 AND record_kind = $2 AND record_id = ANY($3) AND status = 'pending'`,
    [integrationId, kind, recordIds],
  );
  for (const row of rows) {
    if (!held.has(row.record_id)) held.set(row.record_id, new Set());
    held.get(row.record_id)!.add(row.field_name);
  }
  return held;
}

/** Links of the integration whose platform record the run's scan did not see, after `afterId`. */
export async function unseenLinks(db: Db, runId: string, integrationId: string, kind: RecordKind, afterId: string, limit: number): Promise<Link[]> {
  const rows = await sql(db,
    `SELECT l.* FROM integration_sync_map l
      WHERE l.integration_id = $1 AND l.entity_type = $2 AND l.external_id IS NOT NULL AND l.id > $4
        AND NOT EXISTS (SELECT 1 FROM sync_run_seen s WHERE s.run_id = $3 AND s.record_kind = l.entity_type AND s.external_id = l.external_id)
      ORDER BY l.id LIMIT $5`,
    [integrationId, kind, runId, afterId, limit],
  );
  return rows.map(toLink);
}

/**
 * Hub records of the organization with no platform record on the integration, no job on its way
 * there (a create under way is not drift), no item of the run yet (a relink found by the scan), and
 * meant for this integration (records carrying targets go nowhere else), after `afterId`.
 */
export async function uncreatedRecords(db: Db, runId: string, kind: RecordKindDefinition, organizationId: string, integrationId: string, afterId: string, limit: number): Promise<HubRecord[]> {
  const table = kind.table ?? 'hub_records';
  const ofKind = kind.table ? '' : `AND r.kind = $6`;
  const rows = await sql(db,
    `SELECT r.* FROM ${table} r
      WHERE r.organization_id = $1 AND r.id > $3 ${ofKind}
        AND NOT EXISTS (SELECT 1 FROM integration_sync_map l WHERE l.integration_id = $2 AND l.entity_type = '${kind.name}' AND l.entity_id = r.id AND l.external_id IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.integration_id = $2 AND o.record_kind = '${kind.name}' AND o.record_id = r.id)
        AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = $5 AND i.record_kind = '${kind.name}' AND i.record_id = r.id)
        AND ${targetsIntegration(`'${kind.name}'`, 'r.id', '$2')}
      ORDER BY r.id LIMIT $4`,
    kind.table ? [organizationId, integrationId, afterId, limit, runId] : [organizationId, integrationId, afterId, limit, runId, kind.name],
  );
  return rows.map((row) => toRecord(kind, row));
}
