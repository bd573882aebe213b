import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { IncidentService } from '../records/IncidentService';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { enqueueCorrective } from '../records/Outbox';
import { toExternalValue } from '../mapping/FieldMapper';
import { SyncSignals } from './Wakeup';
import { inSpan, SPANS } from './tracing';
import { returningRows } from '../persistence/returningRows';

export interface ConflictView {
  id: string;
  incident_id: string;
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
  limit: number;
  offset: number;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** Conflicts recorded by the inbound processor, and the three resolutions of a pending one. */
@injectable()
export class ConflictService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly incidents: IncidentService,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  async list(organizationId: string, filter: ConflictFilter): Promise<{ items: ConflictView[]; total: number }> {
    const where = ['organization_id = $1'];
    const params: unknown[] = [organizationId];
    for (const [column, value] of [['integration_id', filter.integration], ['status', filter.status], ['incident_id', filter.incident]] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM conflict_records WHERE ${where.join(' AND ')}`, params);
    const rows = await this.db.query(
      `SELECT * FROM conflict_records WHERE ${where.join(' AND ')} ORDER BY detected_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { items: rows.map(toView), total: count };
  }

  async get(organizationId: string, id: string): Promise<ConflictView> {
    const rows = await this.db.query(`SELECT * FROM conflict_records WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
    if (rows.length === 0) throw new NotFoundError('Conflict', id);
    return toView(rows[0]);
  }

  /**
   * use `platform`: the hub value is written to the platform (corrective write); use `external`:
   * the platform value becomes the hub value and fans out to the other integrations; `ignore`:
   * nothing is written and the field stays as each side has it until one of them changes it.
   */
  async resolve(organizationId: string, id: string, use: 'platform' | 'external' | 'ignore'): Promise<ConflictView> {
    const conflict = await this.get(organizationId, id);
    if (conflict.status !== 'pending') throw new ConflictError(`Conflict ${id} is already ${conflict.status}.`);
    const runtime = await this.runtimes.load(conflict.integration_id);
    await inSpan(SPANS.resolveConflict, { 'sync.integration_id': conflict.integration_id, 'sync.incident_id': conflict.incident_id, 'sync.result': 'success' }, () =>
      this.db.transaction(async (tx) => {
        const incident = await this.incidents.lock(tx, organizationId, conflict.incident_id);
        const now = this.clock.now();
        const claimed = returningRows(await tx.query(
          `UPDATE conflict_records SET status = $2, resolution = $3, resolved_at = $4 WHERE id = $1 AND status = 'pending' RETURNING id`,
          [id, use === 'ignore' ? 'ignored' : 'resolved', use === 'ignore' ? 'ignore' : `use_${use}`, now.toISOString()],
        ));
        if (claimed.length === 0) throw new ConflictError(`Conflict ${id} was resolved meanwhile.`);
        if (use === 'platform') await enqueueCorrective(tx, organizationId, incident.id, conflict.integration_id, [conflict.field_name]);
        if (use === 'external') {
          // Conflicts keep canonical values; impact and urgency are numbers in the hub.
          const numeric = conflict.field_name === 'impact' || conflict.field_name === 'urgency';
          const value = numeric && conflict.external_value !== null ? Number(conflict.external_value) : conflict.external_value;
          await this.incidents.applyIn(tx, incident, { [conflict.field_name]: value }, { origin: conflict.integration_id });
        }
        if (use === 'ignore') {
          // The platform keeps its value: remember what the hub would write so it is not pushed until the hub value changes.
          const mapping = runtime?.mappings.find((m) => m.field === conflict.field_name && (m.direction === 'outbound' || m.direction === 'bidirectional'));
          if (mapping) {
            const desired = toExternalValue(mapping, incident[conflict.field_name as keyof typeof incident]);
            await tx.query(
              `UPDATE incident_external_links SET ignored = ignored || jsonb_build_object($3::text, $4::text) WHERE incident_id = $1 AND integration_id = $2`,
              [incident.id, conflict.integration_id, mapping.externalField, desired],
            );
          }
        }
        const pending = await tx.query(`SELECT 1 FROM conflict_records WHERE incident_id = $1 AND integration_id = $2 AND status = 'pending' LIMIT 1`, [incident.id, conflict.integration_id]);
        if (pending.length === 0) {
          await tx.query(`UPDATE incident_external_links SET sync_status = 'synced' WHERE incident_id = $1 AND integration_id = $2 AND sync_status = 'conflict'`, [incident.id, conflict.integration_id]);
        }
      }),
    );
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }
}

function toView(row: Record<string, unknown>): ConflictView {
  return {
    id: String(row.id),
    incident_id: String(row.incident_id),
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
