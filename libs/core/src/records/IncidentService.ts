import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { NotFoundError } from '../errors/HubError';
import { SyncSignals } from '../sync/Wakeup';
import {
  INCIDENT_COLUMNS,
  type CreateCommentInput,
  type CreateIncidentInput,
  type Incident,
  type IncidentColumn,
  type IncidentComment,
  type IncidentValues,
  type ListIncidentsQuery,
  type UpdateIncidentInput,
} from './incidentSchemas';
import { toComment, toIncident } from './incidentRows';
import { enqueueCorrective, enqueueFanOut } from './Outbox';
import { returningRows } from '../persistence/returningRows';

export const HUB_ORIGIN = 'hub';

export interface ApplyOptions {
  /** `hub`, or the integration the change came from (it gets no echo). */
  origin: string;
  /** When the change happened on its side (defaults to now). */
  at?: Date;
  /** Integrations that must get a corrective write for these fields although they are the origin. */
  correctiveFields?: string[];
}

/**
 * The canonical incidents: every change is written together with its outbox entries in one
 * transaction (`records.apply`), so a crash never loses a change nor sends an uncommitted one.
 */
@injectable()
export class IncidentService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  async create(organizationId: string, input: CreateIncidentInput, origin = HUB_ORIGIN): Promise<Incident> {
    const incident = await this.db.transaction((tx) => this.createIn(tx, organizationId, input, { origin }));
    this.signals.outbox.notify();
    return incident;
  }

  /** Creates an incident inside the caller's transaction (inbound creates link it in the same one). */
  async createIn(tx: EntityManager, organizationId: string, input: CreateIncidentInput, options: ApplyOptions): Promise<Incident> {
    const at = (options.at ?? this.clock.now()).toISOString();
    const values = valuesOf(input);
    const changes = Object.fromEntries(Object.keys(values).map((field) => [field, { at, origin: options.origin }]));
    const columns = Object.keys(values);
    const rows: Record<string, unknown>[] = await tx.query(
      `INSERT INTO incidents (id, organization_id, origin, field_changes, created_at, updated_at, ${columns.join(', ')})
       VALUES ($1, $2, $3, $4::jsonb, $5, $5, ${columns.map((_, i) => `$${i + 6}`).join(', ')}) RETURNING *`,
      [randomUUID(), organizationId, options.origin, JSON.stringify(changes), at, ...columns.map((c) => values[c as IncidentColumn])],
    );
    const incident = toIncident(rows[0]);
    await enqueueFanOut(tx, organizationId, incident.id, { kind: 'incident', fields: columns }, { origin: options.origin });
    return incident;
  }

  async update(organizationId: string, id: string, patch: UpdateIncidentInput, origin = HUB_ORIGIN): Promise<Incident> {
    const incident = await this.db.transaction(async (tx) => {
      const current = await this.lock(tx, organizationId, id);
      return this.applyIn(tx, current, valuesOf(patch), { origin });
    });
    this.signals.outbox.notify();
    return incident;
  }

  /**
   * `records.apply`: writes the fields that differ, stamps when and from where each changed, and
   * fans the change out. The caller holds the row lock (`lock`).
   */
  async applyIn(tx: EntityManager, current: Incident, values: Partial<IncidentValues>, options: ApplyOptions): Promise<Incident> {
    const changed = (Object.keys(values) as IncidentColumn[]).filter((field) => values[field] !== undefined && values[field] !== current[field]);
    const corrective = options.correctiveFields ?? [];
    if (changed.length === 0) {
      if (corrective.length > 0) await enqueueCorrective(tx, current.organization_id, current.id, options.origin, corrective);
      return current;
    }
    const at = (options.at ?? this.clock.now()).toISOString();
    const fieldChanges = { ...current.field_changes };
    for (const field of changed) fieldChanges[field] = { at, origin: options.origin };
    const rows = returningRows(await tx.query(
      `UPDATE incidents SET ${changed.map((f, i) => `${f} = $${i + 3}`).join(', ')}, field_changes = $${changed.length + 3}::jsonb,
              version = version + 1, updated_at = $${changed.length + 4}
        WHERE id = $1 AND organization_id = $2 RETURNING *`,
      [current.id, current.organization_id, ...changed.map((f) => values[f]), JSON.stringify(fieldChanges), this.clock.now().toISOString()],
    ));
    await enqueueFanOut(tx, current.organization_id, current.id, { kind: 'incident', fields: changed }, { origin: options.origin });
    if (corrective.length > 0 && options.origin !== HUB_ORIGIN) {
      await enqueueCorrective(tx, current.organization_id, current.id, options.origin, corrective);
    }
    return toIncident(rows[0]);
  }

  async addComment(organizationId: string, incidentId: string, input: CreateCommentInput, origin = HUB_ORIGIN): Promise<IncidentComment> {
    const comment = await this.db.transaction(async (tx) => {
      await this.lock(tx, organizationId, incidentId);
      return this.addCommentIn(tx, organizationId, incidentId, input, origin);
    });
    this.signals.outbox.notify();
    return comment;
  }

  async addCommentIn(tx: EntityManager, organizationId: string, incidentId: string, input: CreateCommentInput, origin: string, at?: Date): Promise<IncidentComment> {
    const rows: Record<string, unknown>[] = await tx.query(
      `INSERT INTO incident_comments (id, incident_id, body, author, visibility, origin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [randomUUID(), incidentId, input.body, input.author ?? null, input.visibility, origin, (at ?? this.clock.now()).toISOString()],
    );
    const comment = toComment(rows[0]);
    await enqueueFanOut(tx, organizationId, incidentId, { kind: 'comment', commentId: comment.id }, { origin });
    return comment;
  }

  /** Reads and row-locks an incident for the rest of the transaction. */
  async lock(tx: EntityManager, organizationId: string, id: string): Promise<Incident> {
    const rows: Record<string, unknown>[] = await tx.query(`SELECT * FROM incidents WHERE id = $1 AND organization_id = $2 FOR UPDATE`, [id, organizationId]);
    if (rows.length === 0) throw new NotFoundError('Incident', id);
    return toIncident(rows[0]);
  }

  async get(organizationId: string, id: string): Promise<Incident> {
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT * FROM incidents WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
    if (rows.length === 0) throw new NotFoundError('Incident', id);
    return toIncident(rows[0]);
  }

  async list(organizationId: string, query: ListIncidentsQuery): Promise<{ items: Incident[]; total: number }> {
    const where = ['organization_id = $1'];
    const params: unknown[] = [organizationId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.status) add('status = ?', query.status);
    if (query.priority) add('priority = ?', query.priority);
    if (query.assignee) add('assignee = ?', query.assignee);
    if (query.q) add(`title ILIKE '%' || ? || '%'`, query.q);
    const filter = where.join(' AND ');
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM incidents WHERE ${filter}`, params);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT * FROM incidents WHERE ${filter} ORDER BY updated_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { items: rows.map(toIncident), total: count };
  }

  async comments(organizationId: string, incidentId: string): Promise<IncidentComment[]> {
    await this.get(organizationId, incidentId);
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT * FROM incident_comments WHERE incident_id = $1 ORDER BY seq`, [incidentId]);
    return rows.map(toComment);
  }
}

function valuesOf(input: Partial<Record<IncidentColumn, unknown>>): Partial<IncidentValues> {
  const values: Record<string, unknown> = {};
  for (const field of INCIDENT_COLUMNS) if (input[field] !== undefined) values[field] = input[field];
  return values as Partial<IncidentValues>;
}
