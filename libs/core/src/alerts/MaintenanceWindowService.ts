import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { NotFoundError } from '../errors/HubError';
import { iso, sql, type Db } from '../sync/stores/db';
import type { CreateMaintenanceWindowInput } from './alertSchemas';

export interface MaintenanceWindow {
  id: string;
  organization_id: string;
  name: string;
  match: Record<string, string>;
  starts_at: string;
  ends_at: string;
  created_at: string;
}

/** Maintenance windows: alerts whose labels they match, inside their time range, open nothing (seed 003: suppression first). */
@injectable()
export class MaintenanceWindowService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async create(organizationId: string, input: CreateMaintenanceWindowInput): Promise<MaintenanceWindow> {
    const [row] = await sql(this.db,
      `INSERT INTO maintenance_windows (id, organization_id, name, match, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING *`,
      [randomUUID(), organizationId, input.name, JSON.stringify(input.match), input.starts_at, input.ends_at, this.clock.now().toISOString()],
    );
    return toWindow(row);
  }

  async list(organizationId: string): Promise<MaintenanceWindow[]> {
    return (await sql(this.db, `SELECT * FROM maintenance_windows WHERE organization_id = $1 ORDER BY starts_at, name`, [organizationId])).map(toWindow);
  }

  async delete(organizationId: string, id: string): Promise<void> {
    const rows = await sql(this.db, `DELETE FROM maintenance_windows WHERE organization_id = $1 AND id = $2 RETURNING id`, [organizationId, id]);
    if (rows.length === 0) throw new NotFoundError('Maintenance window', id);
  }

  /** Windows in force at `at`. */
  async active(db: Db, organizationId: string, at: Date): Promise<MaintenanceWindow[]> {
    return (await sql(db, `SELECT * FROM maintenance_windows WHERE organization_id = $1 AND starts_at <= $2 AND ends_at > $2`, [organizationId, at.toISOString()])).map(toWindow);
  }
}

/** The window that covers an alert's labels, if any. */
export function coveringWindow(windows: readonly MaintenanceWindow[], labels: Record<string, string>): MaintenanceWindow | undefined {
  return windows.find((w) => Object.entries(w.match).every(([label, value]) => labels[label] === value));
}

function toWindow(row: Record<string, unknown>): MaintenanceWindow {
  return {
    id: String(row.id), organization_id: String(row.organization_id), name: String(row.name), match: row.match as Record<string, string>,
    starts_at: iso(row.starts_at) ?? '', ends_at: iso(row.ends_at) ?? '', created_at: iso(row.created_at) ?? '',
  };
}
