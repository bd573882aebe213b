import type { ExternalComment, ExternalRecord } from '@itsm-hub/core';
import type { TableRecord } from '../../client/types';

/**
 * How each flat field of an incident record is read: people as the referenced user's email and the
 * group as its name, through dot-walks in sysparm_fields, so a read costs one call.
 */
export const READ_PATHS: Record<string, string> = {
  short_description: 'short_description',
  description: 'description',
  state: 'state',
  priority: 'priority',
  impact: 'impact',
  urgency: 'urgency',
  category: 'category',
  subcategory: 'subcategory',
  assigned_to: 'assigned_to.email',
  caller_id: 'caller_id.email',
  assignment_group: 'assignment_group.name',
  close_code: 'close_code',
  close_notes: 'close_notes',
};

const SYSTEM_PATHS = ['sys_id', 'number', 'sys_updated_on', 'sys_mod_count', 'correlation_id'];

/** Query parameters that return incident rows in the shape `toExternalRecord` reads. */
export const INCIDENT_READ_PARAMS: Record<string, string> = {
  sysparm_fields: [...SYSTEM_PATHS, ...Object.values(READ_PATHS)].join(','),
  sysparm_exclude_reference_link: 'true',
};

/** The flat fields a webhook's `values` carry, as reads present them (empty is null). */
export function presentedValues(values: Record<string, string>): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const field of Object.keys(READ_PATHS)) if (field in values) fields[field] = values[field] || null;
  return fields;
}

export function toExternalRecord(row: TableRecord, baseUrl: string): ExternalRecord {
  const fields: Record<string, string | null> = {};
  for (const [field, path] of Object.entries(READ_PATHS)) fields[field] = text(row[path]) || null;
  const id = text(row.sys_id);
  const record: ExternalRecord = {
    kind: 'incident',
    id,
    number: text(row.number) || undefined,
    url: `${baseUrl.replace(/\/+$/, '')}/nav_to.do?uri=incident.do?sys_id=${id}`,
    table: 'incident',
    version: text(row.sys_mod_count) || undefined,
    updatedAt: isoOf(text(row.sys_updated_on)),
    fields,
  };
  const correlationId = text(row.correlation_id);
  if (correlationId) record.correlationId = correlationId;
  return record;
}

/** A sys_journal_field row as a comment: `comments` are public, `work_notes` internal. */
export function toComment(row: TableRecord): ExternalComment {
  return {
    id: text(row.sys_id),
    body: text(row.value),
    // sys_created_by holds the user_name, not an email: journal rows carry no reference to sys_user.
    author: text(row.sys_created_by) || undefined,
    visibility: text(row.element) === 'work_notes' ? 'internal' : 'public',
    createdAt: isoOf(text(row.sys_created_on)),
  };
}

/** Instance time (`yyyy-MM-dd HH:mm:ss`, UTC through the Table API) as ISO 8601. */
export function isoOf(instant: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(instant)) return undefined;
  return new Date(`${instant.replace(' ', 'T')}Z`).toISOString();
}

/** The plain value of a field, whichever of the Table API's value shapes it came in. */
export function text(value: TableRecord[string] | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return value.value ?? '';
}
