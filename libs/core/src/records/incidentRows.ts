import type { Incident, IncidentComment } from './incidentSchemas';

type Row = Record<string, unknown>;

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));

/** Maps a raw `incidents` row (node-postgres types) to the API shape. */
export function toIncident(row: Row): Incident {
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    title: String(row.title),
    description: (row.description as string | null) ?? null,
    status: String(row.status),
    priority: (row.priority as string | null) ?? null,
    impact: (row.impact as number | null) ?? null,
    urgency: (row.urgency as number | null) ?? null,
    assignee: (row.assignee as string | null) ?? null,
    assignment_group: (row.assignment_group as string | null) ?? null,
    category: (row.category as string | null) ?? null,
    subcategory: (row.subcategory as string | null) ?? null,
    service: (row.service as string | null) ?? null,
    caller: (row.caller as string | null) ?? null,
    resolution_note: (row.resolution_note as string | null) ?? null,
    field_changes: (row.field_changes as Incident['field_changes']) ?? {},
    version: Number(row.version),
    origin: String(row.origin),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toComment(row: Row): IncidentComment {
  return {
    id: String(row.id),
    incident_id: String(row.incident_id),
    body: String(row.body),
    author: (row.author as string | null) ?? null,
    visibility: row.visibility as IncidentComment['visibility'],
    origin: String(row.origin),
    created_at: iso(row.created_at),
  };
}
