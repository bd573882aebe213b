import { randomUUID } from 'node:crypto';
import { iso, sql, type Db } from '../sync/stores/db';
import type { RunType } from './SyncRunStore';

export interface RunSchedule {
  id: string;
  integration_id: string;
  type: RunType;
  cron: string;
  timezone: string;
  dry_run: boolean;
  auto_heal: boolean;
  created_at: string;
  updated_at: string;
}

function toSchedule(row: Record<string, unknown>): RunSchedule {
  const options = (row.options as { dry_run?: boolean; auto_heal?: boolean }) ?? {};
  return {
    id: String(row.id), integration_id: String(row.integration_id), type: row.type as RunType, cron: String(row.cron), timezone: String(row.timezone),
    dry_run: Boolean(options.dry_run), auto_heal: Boolean(options.auto_heal), created_at: iso(row.created_at) ?? '', updated_at: iso(row.updated_at) ?? '',
  };
}

export async function saveSchedule(db: Db, schedule: { integrationId: string; type: RunType; cron: string; timezone: string; dryRun: boolean; autoHeal: boolean }, now: Date): Promise<{ schedule: RunSchedule; created: boolean }> {
  const rows = await sql(db,
    `INSERT INTO sync_schedules (id, integration_id, type, cron, timezone, options, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)
     ON CONFLICT (integration_id, type) DO UPDATE SET cron = EXCLUDED.cron, timezone = EXCLUDED.timezone, options = EXCLUDED.options, updated_at = EXCLUDED.updated_at
     RETURNING *, (xmax = 0) AS created`,
    [randomUUID(), schedule.integrationId, schedule.type, schedule.cron, schedule.timezone, JSON.stringify({ dry_run: schedule.dryRun, auto_heal: schedule.autoHeal }), now.toISOString()],
  );
  return { schedule: toSchedule(rows[0]), created: Boolean(rows[0].created) };
}

export async function scheduleOf(db: Db, integrationId: string, type: RunType): Promise<RunSchedule | undefined> {
  const rows = await sql(db, `SELECT * FROM sync_schedules WHERE integration_id = $1 AND type = $2`, [integrationId, type]);
  return rows[0] ? toSchedule(rows[0]) : undefined;
}

export async function deleteSchedule(db: Db, integrationId: string, type: RunType): Promise<boolean> {
  return (await sql(db, `DELETE FROM sync_schedules WHERE integration_id = $1 AND type = $2 RETURNING id`, [integrationId, type])).length > 0;
}

/** Every stored schedule of enabled integrations, with a stamp that changes whenever any of them does. */
export async function allSchedules(db: Db): Promise<RunSchedule[]> {
  const rows = await sql(db, `SELECT s.* FROM sync_schedules s JOIN integration_configurations i ON i.id = s.integration_id WHERE i.enabled ORDER BY s.id`);
  return rows.map(toSchedule);
}

export async function schedulesStamp(db: Db): Promise<string> {
  const [row] = await sql(db,
    `SELECT count(*)::text || '|' || COALESCE(max(s.updated_at)::text, '') || '|' || COALESCE(string_agg(i.enabled::text, '' ORDER BY s.id), '') AS stamp
       FROM sync_schedules s JOIN integration_configurations i ON i.id = s.integration_id`,
  );
  return String(row.stamp);
}

/**
 * Claims one tick of a schedule for this process: true for the one process whose insert makes the
 * row, false for every other process whose cron fired for the same tick.
 */
export async function claimTick(db: Db, scheduleId: string, tickAt: Date, owner: string): Promise<boolean> {
  const rows = await sql(db,
    `INSERT INTO sync_schedule_ticks (schedule_id, tick_at, claimed_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [scheduleId, tickAt.toISOString(), owner],
  );
  return rows.length > 0;
}

export async function recordTick(db: Db, scheduleId: string, tickAt: Date, outcome: { runId?: string; outcome: string }): Promise<void> {
  await sql(db, `UPDATE sync_schedule_ticks SET run_id = $3, outcome = $4 WHERE schedule_id = $1 AND tick_at = $2`, [scheduleId, tickAt.toISOString(), outcome.runId ?? null, outcome.outcome]);
}

/** Ticks older than the cutoff: they only need to outlive the clock skew between processes. */
export async function forgetTicks(db: Db, cutoff: Date): Promise<number> {
  return (await sql(db, `DELETE FROM sync_schedule_ticks WHERE tick_at < $1 RETURNING 1`, [cutoff.toISOString()])).length;
}
