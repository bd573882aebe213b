import { randomUUID } from 'node:crypto';
import type { RecordKind } from '../contracts/RecordKind';
import { iso, sql, type Db } from '../sync/stores/db';
import type { DriftField } from './compareRecord';

export const RUN_TYPES = ['reconcile', 'import', 'publish'] as const;
export type RunType = (typeof RUN_TYPES)[number];
export const RUN_TRIGGERS = ['manual', 'schedule', 'api'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'partial', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const CATEGORIES = ['in_sync', 'field_drift', 'missing_external', 'not_created', 'relink', 'orphan_external'] as const;
export type Category = (typeof CATEGORIES)[number];
export type ItemCategory = Exclude<Category, 'in_sync'>;
export const ITEM_CATEGORIES = CATEGORIES.filter((c): c is ItemCategory => c !== 'in_sync');
export type MatchedBy = 'link' | 'correlation_id' | 'number' | 'none';
/** What applying an item does: like Terraform's actions, plus the hub's own (relink, import). */
export type ItemAction = 'update' | 'create' | 'recreate' | 'unlink' | 'relink' | 'import' | 'none';
export const ITEM_OUTCOMES = ['planned', 'applied', 'reported', 'skipped', 'stale', 'failed'] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

export type CategoryCounts = Record<Category, number>;

export interface SyncRun {
  id: string;
  organization_id: string;
  integration_id: string;
  type: RunType;
  trigger: RunTrigger;
  status: RunStatus;
  dry_run: boolean;
  auto_heal: boolean;
  kinds: RecordKind[];
  started_at: string;
  completed_at: string | null;
  applied_at: string | null;
  /** Records the platform said the scan would see, where it says (ServiceNow's X-Total-Count). */
  total_expected: number | null;
  total_checked: number;
  counts: CategoryCounts;
  discrepancies_found: number;
  auto_healed: number;
  failed_items: number;
  error: string | null;
}

export interface RunItem {
  id: string;
  run_id: string;
  record_kind: RecordKind;
  record_id: string | null;
  external_id: string | null;
  external_number: string | null;
  category: ItemCategory;
  matched_by: MatchedBy;
  fields: DriftField[];
  action: ItemAction;
  outcome: ItemOutcome;
  message: string | null;
  /** The hub record's version and the platform record's version (or fingerprint) the item was found at: a plan applies only to them. */
  hub_version: number | null;
  external_version: string | null;
}

export type NewItem = Omit<RunItem, 'id' | 'run_id'>;

const COUNT_COLUMNS = CATEGORIES;

function toRun(row: Record<string, unknown>): SyncRun {
  const counts = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, Number(row[c] ?? 0)])) as CategoryCounts;
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    integration_id: String(row.integration_id),
    type: row.type as RunType,
    trigger: row.trigger as RunTrigger,
    status: row.status as RunStatus,
    dry_run: Boolean(row.dry_run),
    auto_heal: Boolean(row.auto_heal),
    kinds: (row.kinds as RecordKind[]) ?? [],
    started_at: iso(row.started_at) ?? '',
    completed_at: iso(row.completed_at),
    applied_at: iso(row.applied_at),
    total_expected: row.total_expected === null || row.total_expected === undefined ? null : Number(row.total_expected),
    total_checked: Number(row.total_checked),
    counts,
    discrepancies_found: Number(row.discrepancies_found),
    auto_healed: Number(row.auto_healed),
    failed_items: Number(row.failed_items),
    error: (row.error as string | null) ?? null,
  };
}

function toItem(row: Record<string, unknown>): RunItem {
  return {
    id: String(row.id),
    run_id: String(row.run_id),
    record_kind: String(row.record_kind),
    record_id: (row.record_id as string | null) ?? null,
    external_id: (row.external_id as string | null) ?? null,
    external_number: (row.external_number as string | null) ?? null,
    category: row.category as ItemCategory,
    matched_by: row.matched_by as MatchedBy,
    fields: (row.fields as DriftField[]) ?? [],
    action: row.action as ItemAction,
    outcome: row.outcome as ItemOutcome,
    message: (row.message as string | null) ?? null,
    hub_version: row.hub_version === null || row.hub_version === undefined ? null : Number(row.hub_version),
    external_version: (row.external_version as string | null) ?? null,
  };
}

/** The running run of an integration, if any (the unique index allows one). */
export async function runningRun(db: Db, integrationId: string): Promise<SyncRun | undefined> {
  const rows = await sql(db, `SELECT * FROM sync_runs WHERE integration_id = $1 AND status = 'running'`, [integrationId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Inserts a running run; undefined when the integration already has one running (then see `runningRun`). */
export async function insertRun(
  db: Db,
  run: { organizationId: string; integrationId: string; type: RunType; trigger: RunTrigger; dryRun: boolean; autoHeal: boolean; kinds: RecordKind[] },
  now: Date,
): Promise<SyncRun | undefined> {
  const rows = await sql(db,
    `INSERT INTO sync_runs (id, organization_id, integration_id, type, trigger, status, dry_run, auto_heal, kinds, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8::jsonb, $9, $9)
     ON CONFLICT (integration_id) WHERE status = 'running' DO NOTHING RETURNING *`,
    [randomUUID(), run.organizationId, run.integrationId, run.type, run.trigger, run.dryRun, run.autoHeal, JSON.stringify(run.kinds), now.toISOString()],
  );
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Runs whose process stopped beating (it crashed or was killed) end as failed, so the integration can run again. */
export async function failAbandonedRuns(db: Db, integrationId: string, now: Date, staleMs: number): Promise<number> {
  const rows = await sql(db,
    `UPDATE sync_runs SET status = 'failed', completed_at = $2, error = 'The hub process running it stopped before it finished.'
      WHERE integration_id = $1 AND status = 'running' AND heartbeat_at < $3 RETURNING id`,
    [integrationId, now.toISOString(), new Date(now.getTime() - staleMs).toISOString()],
  );
  return rows.length;
}

/** Adds a page's findings to the run's counts, and beats its heart. */
export async function addToRun(db: Db, runId: string, counts: Partial<CategoryCounts> & { checked?: number; expected?: number; healed?: number; failed?: number }, now: Date): Promise<void> {
  const discrepancies = COUNT_COLUMNS.filter((c) => c !== 'in_sync').reduce((n, c) => n + (counts[c] ?? 0), 0);
  await sql(db,
    `UPDATE sync_runs SET heartbeat_at = $2, total_checked = total_checked + $3, discrepancies_found = discrepancies_found + $4,
            auto_healed = auto_healed + $5, failed_items = failed_items + $6, total_expected = COALESCE($7, total_expected),
            ${COUNT_COLUMNS.map((c, i) => `${c} = ${c} + $${i + 8}`).join(', ')}
      WHERE id = $1`,
    [runId, now.toISOString(), counts.checked ?? 0, discrepancies, counts.healed ?? 0, counts.failed ?? 0, counts.expected ?? null, ...COUNT_COLUMNS.map((c) => counts[c] ?? 0)],
  );
}

export async function finishRun(db: Db, runId: string, status: RunStatus, error: string | null, now: Date): Promise<SyncRun> {
  const rows = await sql(db, `UPDATE sync_runs SET status = $2, error = $3, completed_at = $4, heartbeat_at = $4 WHERE id = $1 RETURNING *`, [runId, status, error, now.toISOString()]);
  await sql(db, `DELETE FROM sync_run_seen WHERE run_id = $1`, [runId]);
  return toRun(rows[0]);
}

export async function markApplied(db: Db, runId: string, healed: number, failed: number, now: Date): Promise<SyncRun> {
  const rows = await sql(db,
    `UPDATE sync_runs SET applied_at = $2, auto_healed = auto_healed + $3, failed_items = failed_items + $4 WHERE id = $1 RETURNING *`,
    [runId, now.toISOString(), healed, failed],
  );
  return toRun(rows[0]);
}

/** Claims a finished plan for applying; undefined when it is running, already applied or was healed as it ran. */
export async function claimPlan(db: Db, runId: string, now: Date): Promise<SyncRun | undefined> {
  const rows = await sql(db,
    `UPDATE sync_runs SET applied_at = $2 WHERE id = $1 AND status <> 'running' AND applied_at IS NULL AND NOT auto_heal RETURNING *`,
    [runId, now.toISOString()],
  );
  return rows[0] ? toRun(rows[0]) : undefined;
}

export async function getRun(db: Db, organizationId: string, runId: string): Promise<SyncRun | undefined> {
  const rows = await sql(db, `SELECT * FROM sync_runs WHERE id = $1 AND organization_id = $2`, [runId, organizationId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

export interface RunFilter {
  integration?: string;
  type?: RunType;
  status?: RunStatus;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function listRuns(db: Db, organizationId: string, filter: RunFilter): Promise<{ items: SyncRun[]; total: number }> {
  const where = ['organization_id = $1'];
  const params: unknown[] = [organizationId];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filter.integration) add((n) => `integration_id = $${n}`, filter.integration);
  if (filter.type) add((n) => `type = $${n}`, filter.type);
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.from) add((n) => `started_at >= $${n}`, filter.from.toISOString());
  if (filter.to) add((n) => `started_at < $${n}`, filter.to.toISOString());
  const clause = where.join(' AND ');
  const [{ n }] = await sql(db, `SELECT count(*)::int AS n FROM sync_runs WHERE ${clause}`, params);
  const rows = await sql(db, `SELECT * FROM sync_runs WHERE ${clause} ORDER BY started_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, filter.limit, filter.offset]);
  return { items: rows.map(toRun), total: n };
}

export async function insertItems(db: Db, runId: string, items: NewItem[]): Promise<void> {
  if (items.length === 0) return;
  await sql(db,
    `INSERT INTO sync_run_items (run_id, record_kind, record_id, external_id, external_number, category, matched_by, fields, action, outcome, message, hub_version, external_version)
     SELECT $1, i.record_kind, i.record_id, i.external_id, i.external_number, i.category, i.matched_by, i.fields, i.action, i.outcome, i.message, i.hub_version, i.external_version
       FROM jsonb_to_recordset($2::jsonb) AS i (record_kind text, record_id text, external_id text, external_number text, category text, matched_by text, fields jsonb,
            action text, outcome text, message text, hub_version integer, external_version text)`,
    [runId, JSON.stringify(items)],
  );
}

export async function setOutcome(db: Db, itemId: string, outcome: ItemOutcome, message: string | null): Promise<void> {
  await sql(db, `UPDATE sync_run_items SET outcome = $2, message = COALESCE($3, message) WHERE id = $1`, [itemId, outcome, message]);
}

/** An orphan of the run with this number becomes the relink of a link whose record was not seen (the platform gave it a new id). */
export async function relinkOrphanByNumber(db: Db, runId: string, kind: RecordKind, number: string, recordId: string, action: { outcome: ItemOutcome; message: string }): Promise<RunItem | undefined> {
  const rows = await sql(db,
    `UPDATE sync_run_items SET category = 'relink', matched_by = 'number', record_id = $4, action = 'relink', outcome = $5, message = $6
      WHERE id = (SELECT id FROM sync_run_items WHERE run_id = $1 AND record_kind = $2 AND external_number = $3 AND category = 'orphan_external' ORDER BY id LIMIT 1)
      RETURNING *`,
    [runId, kind, number, recordId, action.outcome, action.message],
  );
  return rows[0] ? toItem(rows[0]) : undefined;
}

export async function listItems(db: Db, runId: string, filter: { category?: ItemCategory; outcome?: ItemOutcome; limit: number; offset: number }): Promise<{ items: RunItem[]; total: number }> {
  const where = ['run_id = $1'];
  const params: unknown[] = [runId];
  if (filter.category) {
    params.push(filter.category);
    where.push(`category = $${params.length}`);
  }
  if (filter.outcome) {
    params.push(filter.outcome);
    where.push(`outcome = $${params.length}`);
  }
  const clause = where.join(' AND ');
  const [{ n }] = await sql(db, `SELECT count(*)::int AS n FROM sync_run_items WHERE ${clause}`, params);
  const rows = await sql(db, `SELECT * FROM sync_run_items WHERE ${clause} ORDER BY id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, filter.limit, filter.offset]);
  return { items: rows.map(toItem), total: n };
}

/** Items after `afterId` in id order, for exports and applies that page through a whole run. */
export async function itemsAfter(db: Db, runId: string, afterId: string, limit: number, only?: { outcome?: ItemOutcome; problems?: boolean }): Promise<RunItem[]> {
  const extra = [only?.outcome ? `AND outcome = '${only.outcome}'` : '', only?.problems ? `AND (outcome IN ('failed', 'stale', 'skipped') OR message IS NOT NULL)` : ''].join(' ');
  const rows = await sql(db, `SELECT * FROM sync_run_items WHERE run_id = $1 AND id > $2 ${extra} ORDER BY id LIMIT $3`, [runId, afterId, limit]);
  return rows.map(toItem);
}

export async function markSeen(db: Db, runId: string, kind: RecordKind, externalIds: string[]): Promise<void> {
  if (externalIds.length === 0) return;
  await sql(db, `INSERT INTO sync_run_seen (run_id, record_kind, external_id) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`, [runId, kind, externalIds]);
}

/**
 * Fresh statistics of the seen ids once a scan has filled them: the table is empty between runs,
 * so without them the planner takes it for a few rows and checks every link against all of it
 * (6.7 s instead of milliseconds for 10,000 links).
 */
export async function analyzeSeen(db: Db): Promise<void> {
  await sql(db, 'ANALYZE sync_run_seen');
}

/** Removes runs (with their items) that started before the cutoff and are not running. */
export async function forgetRuns(db: Db, cutoff: Date): Promise<number> {
  const rows = await sql(db, `DELETE FROM sync_runs WHERE started_at < $1 AND status <> 'running' RETURNING id`, [cutoff.toISOString()]);
  return rows.length;
}
