import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { FieldValue } from '../contracts/FieldValue';
import { TOKENS } from '../di/tokens';
import type { HubRecord, JournalEntry } from './HubRecord';
import type { CreateCommentInput, CreateIncidentInput, Incident, IncidentComment, IncidentValues, ListIncidentsQuery, UpdateIncidentInput } from './incidentSchemas';
import { HUB_ORIGIN, RecordService } from './RecordService';
import { toRecord } from './RecordStore';
import { INCIDENT_KIND } from './kinds/incident';

export { HUB_ORIGIN } from './RecordService';

/** The incidents API over the generic records: seed 000's shapes, with comments as the journal. */
@injectable()
export class IncidentService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    private readonly records: RecordService,
  ) {}

  async create(organizationId: string, input: CreateIncidentInput, origin = HUB_ORIGIN): Promise<Incident> {
    return toIncident(await this.records.create(organizationId, 'incident', input as unknown as Record<string, FieldValue>, origin));
  }

  async update(organizationId: string, id: string, patch: UpdateIncidentInput, origin = HUB_ORIGIN): Promise<Incident> {
    return toIncident(await this.records.update(organizationId, 'incident', id, patch as unknown as Record<string, FieldValue>, origin));
  }

  async addComment(organizationId: string, incidentId: string, input: CreateCommentInput, origin = HUB_ORIGIN): Promise<IncidentComment> {
    return toComment(await this.records.addJournalEntry(organizationId, 'incident', incidentId, input, origin));
  }

  async get(organizationId: string, id: string): Promise<Incident> {
    return toIncident(await this.records.get(organizationId, 'incident', id));
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
    return { items: rows.map((row) => toIncident(toRecord(INCIDENT_KIND, row))), total: count };
  }

  async comments(organizationId: string, incidentId: string): Promise<IncidentComment[]> {
    await this.get(organizationId, incidentId);
    return (await this.records.journal('incident', incidentId)).map(toComment);
  }
}

export function toIncident(record: HubRecord): Incident {
  return {
    id: record.id,
    organization_id: record.organization_id,
    ...(record.values as unknown as IncidentValues),
    field_changes: record.field_changes,
    version: record.version,
    origin: record.origin,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

export function toComment(entry: JournalEntry): IncidentComment {
  return { id: entry.id, incident_id: entry.record_id, body: entry.body, author: entry.author, visibility: entry.visibility, origin: entry.origin, created_at: entry.created_at };
}
