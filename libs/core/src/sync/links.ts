import type { DataSource, EntityManager } from 'typeorm';
import type { ExternalValues } from '../mapping/FieldMapper';

export const LINK_STATES = ['pending', 'synced', 'error', 'conflict', 'dead_letter'] as const;
export type LinkState = (typeof LINK_STATES)[number];

export interface Link {
  id: string;
  incident_id: string;
  integration_id: string;
  external_id: string | null;
  external_number: string | null;
  external_url: string | null;
  sync_status: LinkState;
  retry_count: number;
  last_synced_version: string | null;
  last_synced_hash: string | null;
  /** The last synced values, in the platform's representation: the base of three-way comparisons. */
  base: ExternalValues;
  /** Values being written right now: the platform echoing them back is not a change. */
  in_flight: ExternalValues;
  /** Values left diverged by an ignored conflict: not written again until the hub value changes. */
  ignored: ExternalValues;
  last_error: string | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

type Db = DataSource | EntityManager;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

export function toLink(row: Record<string, unknown>): Link {
  return {
    ...(row as unknown as Link),
    retry_count: Number(row.retry_count),
    last_synced_at: iso(row.last_synced_at),
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
  };
}

export async function findLink(db: Db, incidentId: string, integrationId: string, lock = false): Promise<Link | undefined> {
  const rows = await db.query(
    `SELECT * FROM incident_external_links WHERE incident_id = $1 AND integration_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [incidentId, integrationId],
  );
  return rows[0] ? toLink(rows[0]) : undefined;
}

export async function findLinkByExternalId(db: Db, integrationId: string, externalId: string): Promise<Link | undefined> {
  const rows = await db.query(`SELECT * FROM incident_external_links WHERE integration_id = $1 AND external_id = $2`, [integrationId, externalId]);
  return rows[0] ? toLink(rows[0]) : undefined;
}

/** Inserts or replaces the link of (incident, integration) with the given columns. */
export async function saveLink(db: Db, incidentId: string, integrationId: string, values: Partial<Omit<Link, 'id' | 'incident_id' | 'integration_id'>>, now: Date): Promise<Link> {
  const all: Record<string, unknown> = { sync_status: 'pending', ...values };
  const columns = Object.keys(all);
  const jsonColumns = new Set(['base', 'in_flight', 'ignored']);
  const params = columns.map((c) => {
    const value = all[c];
    return jsonColumns.has(c) ? JSON.stringify(value) : value;
  });
  const placeholders = columns.map((c, i) => `$${i + 4}${jsonColumns.has(c) ? '::jsonb' : ''}`);
  const rows = await db.query(
    `INSERT INTO incident_external_links (id, incident_id, integration_id, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
     VALUES (gen_random_uuid()::text, $1, $2, $3, $3${placeholders.map((p) => `, ${p}`).join('')})
     ON CONFLICT (incident_id, integration_id) DO UPDATE SET updated_at = $3${columns.filter((c) => c in values).map((c) => `, ${c} = ${placeholders[columns.indexOf(c)]}`).join('')}
     RETURNING *`,
    [incidentId, integrationId, now.toISOString(), ...params],
  );
  return toLink(rows[0]);
}

/**
 * The later of two platform versions when they are comparable (ServiceNow's sys_mod_count is a
 * counter); otherwise the first. Used to keep the newest version a link has seen.
 */
export function newerVersion(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a === undefined || a === null) return b ?? null;
  if (b === undefined || b === null) return a;
  return isCounter(a) && isCounter(b) && Number(b) > Number(a) ? b : a;
}

/** True when `candidate` is known to be older than `seen`: a read that lags a write just made. */
export function isOlderVersion(candidate: string | undefined, seen: string | null): boolean {
  return candidate !== undefined && seen !== null && isCounter(candidate) && isCounter(seen) && Number(candidate) < Number(seen);
}

const isCounter = (v: string) => /^\d{1,15}$/.test(v);
