import type { FieldValue } from '../../contracts/FieldValue';
import type { RecordKind } from '../../contracts/RecordKind';
import { sql, type Db } from './db';

/**
 * A record that carries targets (an incident opened from an alert goes only to its mapping's
 * integrations) syncs to those and no other; a record without targets goes to every integration
 * that wants its kind. The targets may add platform fields the canonical kind lacks, written on create.
 */
export interface RecordTarget {
  integrationId: string;
  /** Platform field values sent with the create, in the platform's representation. */
  platformFields?: Record<string, FieldValue>;
}

export async function insertTargets(db: Db, record: { organizationId: string; kind: RecordKind; recordId: string }, targets: RecordTarget[]): Promise<void> {
  if (targets.length === 0) return;
  await sql(db,
    `INSERT INTO record_targets (organization_id, record_kind, record_id, integration_id, platform_fields)
     SELECT $1, $2, $3, t.integration_id, t.platform_fields FROM jsonb_to_recordset($4::jsonb) AS t(integration_id text, platform_fields jsonb)
     ON CONFLICT DO NOTHING`,
    [record.organizationId, record.kind, record.recordId, JSON.stringify(targets.map((t) => ({ integration_id: t.integrationId, platform_fields: t.platformFields ?? {} })))],
  );
}

/**
 * SQL condition: the record (kind and id expressions) goes to the integration (id expression),
 * because it carries no targets or names this one.
 */
export function targetsIntegration(kind: string, id: string, integration: string): string {
  return `(NOT EXISTS (SELECT 1 FROM record_targets rt WHERE rt.record_kind = ${kind} AND rt.record_id = ${id})
        OR EXISTS (SELECT 1 FROM record_targets rt WHERE rt.record_kind = ${kind} AND rt.record_id = ${id} AND rt.integration_id = ${integration}))`;
}

/** SQL expression: the platform fields the record's target on the integration adds to its create (NULL: none). */
export function targetPlatformFields(kind: string, id: string, integration: string): string {
  return `(SELECT rt.platform_fields FROM record_targets rt WHERE rt.record_kind = ${kind} AND rt.record_id = ${id} AND rt.integration_id = ${integration})`;
}
