import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { IncidentPriority } from '../contracts/Incident';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError, ValidationError } from '../errors/HubError';
import { IntegrationService } from '../integrations/IntegrationService';
import { isUniqueViolation } from '../persistence/isUniqueViolation';
import { sql, type Db } from '../persistence/sql';
import { iso } from '../sync/stores/db';
import { durationText, type CreateAlertMappingInput, type GroupBy, type UpdateAlertMappingInput } from './alertSchemas';
import { unknownPlaceholders } from './renderTemplate';

export type OnResolved = 'resolve' | 'comment' | 'none';

/** A stored alert mapping, with its target integrations by id (in the order given). */
export interface AlertMapping {
  id: string;
  organization_id: string;
  name: string;
  alert_type: string | null;
  match: Record<string, string>;
  integrations: string[];
  fields: Record<string, string>;
  /** Per target integration id: platform field templates written on create. */
  platform_fields: Record<string, Record<string, string>>;
  severity_map: Record<string, IncidentPriority>;
  group_by: GroupBy;
  reopen_window_seconds: number | null;
  on_resolved: OnResolved;
  mode: 'auto' | 'approve';
  storm: { window: number; threshold?: number; min_firings?: number } | null;
  created_at: string;
  updated_at: string;
}

/** Seed 003's P1–P4: Events v2 severities and the usual Prometheus `severity` label values. */
export const DEFAULT_SEVERITY_MAP: Record<string, IncidentPriority> = {
  critical: 'P1', error: 'P2', high: 'P2', warning: 'P3', medium: 'P3', info: 'P4', low: 'P4',
};

/** Alert mappings: which alerts open incidents where, and how (seed 004's per-network mappings). */
@injectable()
export class AlertMappingService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    private readonly integrations: IntegrationService,
  ) {}

  async create(organizationId: string, input: CreateAlertMappingInput): Promise<AlertMapping> {
    const targets = await this.targets(organizationId, input.integrations);
    const platformFields = await this.platformFields(organizationId, input.platform_fields, targets);
    checkTemplates(input.fields, platformFields);
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    try {
      await this.db.transaction(async (tx) => {
        await sql(tx,
          `INSERT INTO alert_mappings (id, organization_id, name, alert_type, match, fields, platform_fields, severity_map, group_by, reopen_window_seconds, on_resolved, mode, storm, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12, $13::jsonb, $14, $14)`,
          [id, organizationId, input.name, input.alert_type ?? null, JSON.stringify(input.match), JSON.stringify(input.fields), JSON.stringify(platformFields),
            JSON.stringify(input.severity_map), JSON.stringify(input.group_by), input.reopen_window ?? null, input.on_resolved, input.mode,
            input.storm ? JSON.stringify(input.storm) : null, now],
        );
        await this.saveTargets(tx, id, targets);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`An alert mapping named "${input.name}" already exists.`);
      throw err;
    }
    return this.get(organizationId, id);
  }

  async update(organizationId: string, ref: string, patch: UpdateAlertMappingInput): Promise<AlertMapping> {
    const current = await this.get(organizationId, ref);
    const targets = patch.integrations ? await this.targets(organizationId, patch.integrations) : current.integrations;
    const platformFields = patch.platform_fields ? await this.platformFields(organizationId, patch.platform_fields, targets) : current.platform_fields;
    checkTemplates(patch.fields ?? current.fields, platformFields);
    const next = {
      name: patch.name ?? current.name,
      alert_type: patch.alert_type === undefined ? current.alert_type : patch.alert_type,
      match: patch.match ?? current.match,
      fields: patch.fields ?? current.fields,
      severity_map: patch.severity_map ?? current.severity_map,
      group_by: patch.group_by ?? current.group_by,
      reopen_window_seconds: patch.reopen_window === undefined ? current.reopen_window_seconds : patch.reopen_window,
      on_resolved: patch.on_resolved ?? current.on_resolved,
      mode: patch.mode ?? current.mode,
      storm: patch.storm === undefined ? current.storm : patch.storm,
    };
    try {
      await this.db.transaction(async (tx) => {
        await sql(tx,
          `UPDATE alert_mappings SET name = $3, alert_type = $4, match = $5::jsonb, fields = $6::jsonb, platform_fields = $7::jsonb, severity_map = $8::jsonb,
                  group_by = $9::jsonb, reopen_window_seconds = $10, on_resolved = $11, mode = $12, storm = $13::jsonb, updated_at = $14
            WHERE id = $1 AND organization_id = $2`,
          [current.id, organizationId, next.name, next.alert_type ?? null, JSON.stringify(next.match), JSON.stringify(next.fields), JSON.stringify(platformFields),
            JSON.stringify(next.severity_map), JSON.stringify(next.group_by), next.reopen_window_seconds ?? null, next.on_resolved, next.mode,
            next.storm ? JSON.stringify(next.storm) : null, this.clock.now().toISOString()],
        );
        if (patch.integrations) await this.saveTargets(tx, current.id, targets);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`An alert mapping named "${next.name}" already exists.`);
      throw err;
    }
    return this.get(organizationId, current.id);
  }

  async delete(organizationId: string, ref: string): Promise<void> {
    const current = await this.get(organizationId, ref);
    await sql(this.db, `DELETE FROM alert_mappings WHERE id = $1 AND organization_id = $2`, [current.id, organizationId]);
  }

  /** By id, or by name when no mapping has that id. */
  async get(organizationId: string, ref: string): Promise<AlertMapping> {
    const rows = await sql(this.db, `${SELECT} WHERE m.organization_id = $1 AND (m.id = $2 OR m.name = $2) ORDER BY (m.id = $2) DESC LIMIT 1`, [organizationId, ref]);
    if (!rows[0]) throw new NotFoundError('Alert mapping', ref);
    return toMapping(rows[0]);
  }

  async list(organizationId: string, db: Db = this.db): Promise<AlertMapping[]> {
    return (await sql(db, `${SELECT} WHERE m.organization_id = $1 ORDER BY m.name`, [organizationId])).map(toMapping);
  }

  /** What the API shows: durations as text, integrations by id. */
  toView(mapping: AlertMapping) {
    const { reopen_window_seconds, storm, ...rest } = mapping;
    return {
      ...rest,
      reopen_window: reopen_window_seconds === null ? null : durationText(reopen_window_seconds),
      storm: storm ? { ...storm, window: durationText(storm.window) } : null,
    };
  }

  private async targets(organizationId: string, refs: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, ref] of refs.entries()) {
      const found = await this.integrations.get(organizationId, ref).catch(() => undefined);
      if (!found) throw new ValidationError(`Invalid request body: integrations.${index}: no integration "${ref}" in this organization`, [{ field: `integrations.${index}`, message: `no integration "${ref}" in this organization` }]);
      if (!ids.includes(found.id)) ids.push(found.id);
    }
    return ids;
  }

  /** Platform fields keyed by a target integration's id or name, stored by id. */
  private async platformFields(organizationId: string, given: Record<string, Record<string, string>>, targets: string[]): Promise<Record<string, Record<string, string>>> {
    const byId: Record<string, Record<string, string>> = {};
    for (const [ref, fields] of Object.entries(given)) {
      const found = await this.integrations.get(organizationId, ref).catch(() => undefined);
      if (!found || !targets.includes(found.id)) {
        throw new ValidationError(`Invalid request body: platform_fields.${ref}: not one of the mapping's integrations`, [{ field: `platform_fields.${ref}`, message: "not one of the mapping's integrations" }]);
      }
      byId[found.id] = fields;
    }
    return byId;
  }

  private async saveTargets(db: Db, mappingId: string, targets: string[]): Promise<void> {
    await sql(db, `DELETE FROM alert_mapping_integrations WHERE mapping_id = $1`, [mappingId]);
    await sql(db, `INSERT INTO alert_mapping_integrations (mapping_id, integration_id, position) SELECT $1, t.id, t.pos FROM unnest($2::text[]) WITH ORDINALITY AS t(id, pos)`, [mappingId, targets]);
  }
}

const SELECT = `SELECT m.*, ARRAY(SELECT t.integration_id FROM alert_mapping_integrations t WHERE t.mapping_id = m.id ORDER BY t.position) AS integrations FROM alert_mappings m`;

function checkTemplates(fields: Record<string, string>, platformFields: Record<string, Record<string, string>>): void {
  const problems: Array<{ field: string; message: string }> = [];
  for (const [field, template] of Object.entries(fields)) {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) problems.push({ field: `fields.${field}`, message: `unknown placeholder ${unknown.join(', ')}` });
  }
  for (const [integration, values] of Object.entries(platformFields)) {
    for (const [field, template] of Object.entries(values)) {
      const unknown = unknownPlaceholders(template);
      if (unknown.length > 0) problems.push({ field: `platform_fields.${integration}.${field}`, message: `unknown placeholder ${unknown.join(', ')}` });
    }
  }
  if (problems.length > 0) throw new ValidationError(`Invalid request body: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}

function toMapping(row: Record<string, unknown>): AlertMapping {
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    name: String(row.name),
    alert_type: (row.alert_type as string | null) ?? null,
    match: row.match as Record<string, string>,
    integrations: (row.integrations as string[]) ?? [],
    fields: row.fields as Record<string, string>,
    platform_fields: row.platform_fields as Record<string, Record<string, string>>,
    severity_map: row.severity_map as Record<string, IncidentPriority>,
    group_by: row.group_by as GroupBy,
    reopen_window_seconds: row.reopen_window_seconds === null ? null : Number(row.reopen_window_seconds),
    on_resolved: row.on_resolved as OnResolved,
    mode: row.mode as 'auto' | 'approve',
    storm: (row.storm as AlertMapping['storm']) ?? null,
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
  };
}

/**
 * The mapping an alert falls under: every `match` label equal and the type equal when the mapping
 * names one; the most specific wins (more `match` labels, then a named type, then the name).
 */
export function matchMapping(mappings: readonly AlertMapping[], alert: { type: string | null; labels: Record<string, string> }): AlertMapping | undefined {
  let best: AlertMapping | undefined;
  const rank = (m: AlertMapping) => Object.keys(m.match).length * 2 + (m.alert_type ? 1 : 0);
  for (const mapping of mappings) {
    if (mapping.alert_type && mapping.alert_type !== alert.type) continue;
    if (!Object.entries(mapping.match).every(([label, value]) => alert.labels[label] === value)) continue;
    if (!best || rank(mapping) > rank(best)) best = mapping;
  }
  return best;
}
