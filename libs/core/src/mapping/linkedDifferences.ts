import type { FieldMapping } from '../contracts/FieldMapping';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { referencedKind } from '../records/kinds/RecordKindDefinition';
import { toRecord } from '../records/RecordStore';
import { sql, type Db } from '../sync/stores/db';
import { toLink } from '../sync/stores/LinkStore';
import { changedExternal, desiredExternal } from './FieldMapper';

const PAGE = 1_000;

/**
 * How many linked records of a kind hold on the platform (as their links last synced it) other
 * values than the hub's under these mappings: what a reconciliation with auto-heal would bring
 * over. From the database only, no platform call. Reference fields are left out: comparing them
 * needs each platform id, and a mapping change rarely touches them.
 */
export async function linkedRecordsDiffering(db: Db, integrationId: string, kind: RecordKindDefinition, mappings: readonly FieldMapping[]): Promise<number> {
  const compared = mappings.filter((m) => !referencedKind(kind.fields[m.field]));
  const table = kind.table ?? 'hub_records';
  let differing = 0;
  let after = '';
  for (;;) {
    const rows = await sql(db,
      `SELECT to_jsonb(l) AS link, to_jsonb(r) AS record FROM integration_sync_map l JOIN ${table} r ON r.id = l.entity_id${kind.table ? '' : ` AND r.kind = '${kind.name}'`}
        WHERE l.integration_id = $1 AND l.entity_type = $2 AND l.external_id IS NOT NULL AND l.id > $3 ORDER BY l.id LIMIT $4`,
      [integrationId, kind.name, after, PAGE],
    );
    if (rows.length === 0) return differing;
    after = String(rows[rows.length - 1].link.id);
    for (const row of rows) {
      const link = toLink(row.link);
      const desired = desiredExternal(toRecord(kind, row.record).values, compared);
      if (Object.keys(changedExternal(desired, link.base)).length > 0) differing += 1;
    }
  }
}
