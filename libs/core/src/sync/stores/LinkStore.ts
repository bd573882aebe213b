import type { RecordKind, VersionOrder } from '../../contracts/RecordKind';
import type { ExternalValues } from '../../mapping/FieldMapper';
import type { ClaimReads } from '../lanes';
import { iso, sql, type Db } from './db';
import { holdsVersionSql, newerVersionSql } from './versions';
import { targetPlatformFields } from './RecordTargetStore';

export const LINK_STATES = ['pending', 'synced', 'error', 'conflict', 'dead_letter'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** A hub record ↔ platform record link, of any kind (seed 001's `integration_sync_map`). */
export interface Link {
  id: string;
  organization_id: string;
  integration_id: string;
  entity_type: RecordKind;
  entity_id: string;
  external_id: string | null;
  external_table: string | null;
  /** `published` when the hub created the platform record, `subscribed` when it came from the platform. */
  sync_direction: 'published' | 'subscribed';
  external_number: string | null;
  external_url: string | null;
  sync_status: LinkState;
  retry_count: number;
  last_synced_version: string | null;
  last_sync_hash: string | null;
  /** The last synced values, in the platform's representation: the base of three-way comparisons. */
  base: ExternalValues;
  /** Values being written right now: the platform echoing them back is not a change. */
  in_flight: ExternalValues;
  /** Values left diverged by an ignored conflict: not written again until the hub value changes. */
  ignored: ExternalValues;
  /** Values writes left out because they name no one on the platform; written once the person exists. */
  omitted: ExternalValues;
  last_error: string | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Which link: one record on one integration. */
export interface LinkKey {
  organizationId: string;
  kind: RecordKind;
  recordId: string;
  integrationId: string;
}

export type LinkValues = Partial<Omit<Link, 'id' | 'organization_id' | 'integration_id' | 'entity_type' | 'entity_id' | 'created_at' | 'updated_at'>>;

const JSON_COLUMNS = new Set(['base', 'in_flight', 'ignored', 'omitted']);

export function toLink(row: Record<string, unknown>): Link {
  return {
    ...(row as unknown as Link),
    retry_count: Number(row.retry_count),
    last_synced_at: iso(row.last_synced_at),
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
  };
}

export async function findLink(db: Db, key: Omit<LinkKey, 'organizationId'>, lock = false): Promise<Link | undefined> {
  const rows = await sql(db, 
    `SELECT * FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND entity_id = $3${lock ? ' FOR UPDATE' : ''}`,
    [key.integrationId, key.kind, key.recordId],
  );
  return rows[0] ? toLink(rows[0]) : undefined;
}

export async function findLinkByExternalId(db: Db, integrationId: string, kind: RecordKind, externalId: string): Promise<Link | undefined> {
  const rows = await sql(db, `SELECT * FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND external_id = $3`, [integrationId, kind, externalId]);
  return rows[0] ? toLink(rows[0]) : undefined;
}

/**
 * The link an inbound event is about: by external id, else the pending link of a create whose
 * answer has not come back (the event carries the hub id as correlation); `writing` says whether a
 * job writing the record to this integration holds its lease right now.
 */
/** Whether an outbound job of the link's record is leased: its write may be under way on the platform. */
const WRITING_SQL = `EXISTS (
  SELECT 1 FROM sync_outbox o
   WHERE o.integration_id = l.integration_id AND o.record_kind = l.entity_type AND o.record_id = l.entity_id AND o.job = 'record'
     AND o.lease_owner IS NOT NULL)`;

export async function findLinkForEvent(db: Db, integrationId: string, kind: RecordKind, externalId: string, correlationId: string | undefined): Promise<{ link: Link; writing: boolean } | undefined> {
  const rows = await sql(db,
    `SELECT l.*, ${WRITING_SQL} AS writing
       FROM integration_sync_map l
      WHERE l.integration_id = $1 AND l.entity_type = $2 AND (l.external_id = $3 OR (l.external_id IS NULL AND l.entity_id = $4))
      ORDER BY l.external_id IS NULL
      LIMIT 1`,
    [integrationId, kind, externalId, correlationId ?? ''],
  );
  if (!rows[0]) return undefined;
  const { writing, ...link } = rows[0];
  return { link: toLink(link), writing: Boolean(writing) };
}

/** Whether the hub is writing the link's record now: values are marked in flight and its job is leased. */
export async function writeUnderWay(db: Db, key: LinkKey): Promise<boolean> {
  const rows = await sql(db,
    `SELECT ${WRITING_SQL} AS writing FROM integration_sync_map l
      WHERE l.integration_id = $1 AND l.entity_type = $2 AND l.entity_id = $3 AND l.in_flight <> '{}'::jsonb`,
    [key.integrationId, key.kind, key.recordId],
  );
  return Boolean(rows[0]?.writing);
}

/** External ids of records on one integration, by hub id (for references going out). */
export async function externalIdsOf(db: Db, integrationId: string, kind: RecordKind, recordIds: string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const rows: Array<{ entity_id: string; external_id: string }> = await sql(db, 
    `SELECT entity_id, external_id FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND entity_id = ANY($3) AND external_id IS NOT NULL`,
    [integrationId, kind, recordIds],
  );
  return new Map(rows.map((r) => [r.entity_id, r.external_id]));
}

/** Hub ids of platform records on one integration, by external id (for references coming in). */
export async function recordIdsOf(db: Db, integrationId: string, kind: RecordKind, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows: Array<{ entity_id: string; external_id: string }> = await sql(db, 
    `SELECT entity_id, external_id FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND external_id = ANY($3)`,
    [integrationId, kind, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, r.entity_id]));
}

export async function linksOfRecord(db: Db, kind: RecordKind, recordId: string): Promise<Link[]> {
  const rows = await sql(db, `SELECT * FROM integration_sync_map WHERE entity_type = $1 AND entity_id = $2 ORDER BY created_at`, [kind, recordId]);
  return rows.map(toLink);
}

export async function linksOfIntegration(db: Db, integrationId: string, page: { kind?: RecordKind; status?: string; limit: number; offset: number }): Promise<{ items: Link[]; total: number }> {
  const params: unknown[] = [integrationId];
  const where = ['integration_id = $1'];
  for (const [column, value] of [['entity_type', page.kind], ['sync_status', page.status]] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  const filter = where.join(' AND ');
  const [{ count }] = await sql(db, `SELECT count(*)::int AS count FROM integration_sync_map WHERE ${filter}`, params);
  const rows = await sql(db, `SELECT * FROM integration_sync_map WHERE ${filter} ORDER BY updated_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, page.limit, page.offset]);
  return { items: rows.map(toLink), total: count };
}

export async function linkStateCounts(db: Db, integrationId: string): Promise<Array<{ sync_status: LinkState; n: number }>> {
  return sql(db, `SELECT sync_status, count(*)::int AS n FROM integration_sync_map WHERE integration_id = $1 GROUP BY sync_status`, [integrationId]);
}

/** Inserts or replaces the link of (record, integration) with the given columns. */
export async function saveLink(db: Db, key: LinkKey, values: LinkValues, now: Date): Promise<Link> {
  const all: Record<string, unknown> = { sync_status: 'pending', sync_direction: 'published', ...values };
  const columns = Object.keys(all);
  const params = columns.map((c) => (JSON_COLUMNS.has(c) ? JSON.stringify(all[c]) : all[c]));
  const placeholders = columns.map((c, i) => `$${i + 6}${JSON_COLUMNS.has(c) ? '::jsonb' : ''}`);
  const updates = columns.filter((c) => c in values && c !== 'sync_direction').map((c) => `, ${c} = ${placeholders[columns.indexOf(c)]}`);
  const rows = await sql(db, 
    `INSERT INTO integration_sync_map (id, organization_id, integration_id, entity_type, entity_id, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $5${placeholders.map((p) => `, ${p}`).join('')})
     ON CONFLICT (integration_id, entity_type, entity_id) DO UPDATE SET updated_at = $5${updates.join('')}
     RETURNING *`,
    [key.organizationId, key.integrationId, key.kind, key.recordId, now.toISOString(), ...params],
  );
  return toLink(rows[0]);
}

/** Updates columns of an existing link; nothing happens when there is none. */
export async function updateLink(db: Db, key: Omit<LinkKey, 'organizationId'>, values: LinkValues, now: Date, onlyWhenStatus?: LinkState): Promise<void> {
  const columns = Object.keys(values);
  const params = columns.map((c) => (JSON_COLUMNS.has(c) ? JSON.stringify((values as Record<string, unknown>)[c]) : (values as Record<string, unknown>)[c]));
  const sets = columns.map((c, i) => `, ${c} = $${i + 5}${JSON_COLUMNS.has(c) ? '::jsonb' : ''}`);
  await sql(db, 
    `UPDATE integration_sync_map SET updated_at = $4${sets.join('')}
      WHERE integration_id = $1 AND entity_type = $2 AND entity_id = $3${onlyWhenStatus ? ` AND sync_status = '${onlyWhenStatus}'` : ''}`,
    [key.integrationId, key.kind, key.recordId, now.toISOString(), ...params],
  );
}

/** Remembers a platform value an ignored conflict left diverged. */
export async function ignoreValue(db: Db, key: Omit<LinkKey, 'organizationId'>, externalField: string, value: unknown): Promise<void> {
  await sql(db, 
    `UPDATE integration_sync_map SET ignored = ignored || jsonb_build_object($4::text, $5::jsonb) WHERE integration_id = $1 AND entity_type = $2 AND entity_id = $3`,
    [key.integrationId, key.kind, key.recordId, externalField, JSON.stringify(value ?? null)],
  );
}

export async function deleteLink(db: Db, key: Omit<LinkKey, 'organizationId'>): Promise<boolean> {
  const deleted = (await sql(db, `DELETE FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND entity_id = $3 RETURNING id`, [key.integrationId, key.kind, key.recordId]));
  return deleted.length > 0;
}

export async function linkedElsewhere(db: Db, key: Omit<LinkKey, 'organizationId'>): Promise<boolean> {
  const rows = await sql(db, `SELECT 1 FROM integration_sync_map WHERE integration_id = $1 AND entity_type = $2 AND entity_id = $3 AND external_id IS NOT NULL`, [key.integrationId, key.kind, key.recordId]);
  return rows.length > 0;
}

/** A successful write to record on its link (see `recordWrites`). */
export interface RecordedWrite {
  key: LinkKey;
  record: { id: string; number?: string; url?: string; version?: string; table?: string };
  /** The platform values the write established. */
  synced: ExternalValues;
  /** Values left diverged by ignored conflicts, as they stand after the write. */
  ignored: ExternalValues;
  /** Values left out because they name no one on the platform, as they stand after the write. */
  omitted: ExternalValues;
  warning: string | null;
  job: { id: string; owner: string };
}

/**
 * Records successful writes to one integration on their links, the integration's last success,
 * and completes their jobs, in one statement. `synced` merges into the base as it is at that
 * moment, so inbound changes stored while the platform was being called are kept, and the newer of
 * two comparable versions wins. Every write is of a kind whose versions compare as `order`.
 *
 * The platform's echoes of these writes that came in while the platform was being called wait in
 * the inbox (their values could not be told from a change yet); those about a version a write
 * answered with are removed in the same statement, so they cost no claim. Returns how many.
 */
export async function recordWrites(db: Db, order: VersionOrder, integrationId: string, writes: RecordedWrite[], now: string): Promise<number> {
  if (writes.length === 0) return 0;
  const rows = writes.map((w) => ({
    organization_id: w.key.organizationId, entity_type: w.key.kind, entity_id: w.key.recordId, external_id: w.record.id, external_number: w.record.number ?? null,
    external_url: w.record.url ?? null, external_table: w.record.table ?? null, version: w.record.version ?? null, synced: w.synced, ignored: w.ignored,
    omitted: w.omitted, warning: w.warning, job_id: w.job.id, owner: w.job.owner,
  }));
  const [dropped] = await sql(db,
    `WITH w AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS w (organization_id text, entity_type text, entity_id text, external_id text, external_number text, external_url text,
              external_table text, version text, synced jsonb, ignored jsonb, omitted jsonb, warning text, job_id bigint, owner text)),
     link AS (
       INSERT INTO integration_sync_map AS l (id, organization_id, integration_id, entity_type, entity_id, external_id, external_number, external_url, external_table,
              sync_direction, last_synced_version, last_sync_hash, base, in_flight, ignored, omitted, sync_status, retry_count, last_error, last_synced_at, created_at, updated_at)
       SELECT gen_random_uuid()::text, w.organization_id, $2, w.entity_type, w.entity_id, w.external_id, w.external_number, w.external_url, w.external_table,
              'published', w.version, md5(w.synced::text), w.synced, '{}', w.ignored, w.omitted, 'synced', 0, w.warning, $3, $3, $3 FROM w
       ON CONFLICT (integration_id, entity_type, entity_id) DO UPDATE SET
         external_id = EXCLUDED.external_id,
         external_number = COALESCE(EXCLUDED.external_number, l.external_number),
         external_url = COALESCE(EXCLUDED.external_url, l.external_url),
         external_table = COALESCE(EXCLUDED.external_table, l.external_table),
         last_synced_version = ${newerVersionSql(order, 'l.last_synced_version', 'EXCLUDED.last_synced_version')},
         base = l.base || EXCLUDED.base,
         last_sync_hash = md5((l.base || EXCLUDED.base)::text),
         in_flight = '{}',
         ignored = EXCLUDED.ignored,
         omitted = EXCLUDED.omitted,
         sync_status = 'synced', retry_count = 0, last_error = EXCLUDED.last_error, last_synced_at = $3, updated_at = $3),
     state AS (
       INSERT INTO sync_integration_state (integration_id, last_success_at) VALUES ($2, $3)
       ON CONFLICT (integration_id) DO UPDATE SET last_success_at = $3),
     done AS (
       DELETE FROM sync_outbox o USING w WHERE o.id = w.job_id AND o.lease_owner = w.owner),
     echoes AS (
       DELETE FROM sync_inbox q USING w
        WHERE q.integration_id = $2 AND q.record_kind = w.entity_type AND q.external_id = w.external_id AND q.lease_owner IS NULL
          AND q.event ->> 'type' <> 'commented' AND w.version IS NOT NULL
          AND ${holdsVersionSql(order, 'w.version', `(q.event -> 'record' ->> 'version')`)}
       RETURNING q.id)
     SELECT count(*)::int AS echoes FROM echoes`,
    [JSON.stringify(rows), integrationId, now],
  );
  return (dropped as { echoes: number } | undefined)?.echoes ?? 0;
}

/** Marks the values about to be written on each link (creating it for a first write), in one statement. */
export async function markInFlight(db: Db, integrationId: string, marks: Array<{ key: LinkKey; values: ExternalValues }>, now: Date): Promise<void> {
  if (marks.length === 0) return;
  const rows = marks.map((m) => ({ organization_id: m.key.organizationId, entity_type: m.key.kind, entity_id: m.key.recordId, in_flight: m.values }));
  await sql(db,
    `INSERT INTO integration_sync_map (id, organization_id, integration_id, entity_type, entity_id, created_at, updated_at, sync_status, sync_direction, in_flight)
     SELECT gen_random_uuid()::text, f.organization_id, $1, f.entity_type, f.entity_id, $2, $2, 'pending', 'published', f.in_flight
       FROM jsonb_to_recordset($3::jsonb) AS f (organization_id text, entity_type text, entity_id text, in_flight jsonb)
     ON CONFLICT (integration_id, entity_type, entity_id) DO UPDATE SET updated_at = $2, in_flight = EXCLUDED.in_flight`,
    [integrationId, now.toISOString(), JSON.stringify(rows)],
  );
}

/** What an outbound job reads: the record (any kind), its link on the integration and the fields held there by pending conflicts. */
export interface Delivery {
  record: Record<string, unknown>;
  link: Link | undefined;
  held: Set<string>;
  /** Platform fields the record's target adds to its create on this integration. */
  platformFields: Record<string, unknown> | undefined;
}

/**
 * What a claim of outbox jobs reads beside each job (see `claimHeads`), so that a job needs no
 * read of its own: the record from its kind's table (`kinds`: every kind the hub keeps), its link
 * on the job's integration and the fields pending conflicts hold there.
 */
export function deliveryReads(kinds: ReadonlyArray<{ name: RecordKind; table?: string }>): ClaimReads {
  // Kind names are checked identifiers and tables come from kind definitions, never from input.
  const own = kinds.filter((k) => k.table);
  const joins = own.map((k, i) => `LEFT JOIN ${k.table} r${i} ON leased.record_kind = '${k.name}' AND r${i}.id = leased.record_id`);
  const excluded = own.length > 0 ? `leased.record_kind NOT IN (${own.map((k) => `'${k.name}'`).join(', ')}) AND ` : '';
  joins.push(`LEFT JOIN hub_records rg ON ${excluded}rg.kind = leased.record_kind AND rg.id = leased.record_id`);
  joins.push('LEFT JOIN integration_sync_map l ON l.integration_id = leased.integration_id AND l.entity_type = leased.record_kind AND l.entity_id = leased.record_id');
  return {
    columns: `to_jsonb(l) AS delivery_link, COALESCE(${[...own.map((_, i) => `to_jsonb(r${i})`), 'to_jsonb(rg)'].join(', ')}) AS delivery_record,
      ARRAY(SELECT f.field_name FROM conflict_records f
             WHERE f.record_kind = leased.record_kind AND f.record_id = leased.record_id AND f.integration_id = leased.integration_id AND f.status = 'pending') AS delivery_held,
      CASE WHEN l.external_id IS NULL THEN ${targetPlatformFields('leased.record_kind', 'leased.record_id', 'leased.integration_id')} END AS delivery_platform_fields`,
    joins: joins.join('\n'),
  };
}

/** The delivery a claimed row carries; undefined when its record is gone. */
export function deliveryOf(row: Record<string, unknown>): Delivery | undefined {
  if (!row.delivery_record) return undefined;
  return { record: row.delivery_record as Record<string, unknown>, link: row.delivery_link ? toLink(row.delivery_link as Record<string, unknown>) : undefined, held: new Set(row.delivery_held as string[]), platformFields: (row.delivery_platform_fields as Record<string, unknown> | null) ?? undefined };
}
