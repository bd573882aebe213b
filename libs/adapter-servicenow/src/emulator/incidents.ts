import { randomBytes } from 'node:crypto';
import { nextNumber } from '@itsm-hub/core/emulator';
import { WATCHED_FIELDS, type WebhookPayload } from '../webhooks';
import { INCIDENT_COLUMNS, type Row } from './seed';
import { READ_PATHS } from '../kinds/incident/record';
import { dotWalk } from './fields';

/** Base-system Priority Lookup Rules: `${impact}/${urgency}` -> priority. */
const PRIORITY_MATRIX: Record<string, string> = {
  '1/1': '1', '1/2': '2', '1/3': '3',
  '2/1': '2', '2/2': '3', '2/3': '4',
  '3/1': '3', '3/2': '4', '3/3': '5',
};

const JOURNAL_FIELDS = ['comments', 'work_notes'] as const;
// Computed or system-owned columns: instances ignore values written to them.
const READ_ONLY = new Set(['number', 'priority', 'sys_class_name', 'opened_at', 'resolved_at', 'closed_at', 'active']);
const WRITABLE = INCIDENT_COLUMNS.filter((c) => !READ_ONLY.has(c));
const CLOSE_FIELD_LABELS: Record<string, string> = { close_code: 'Resolution code', close_notes: 'Resolution notes' };

export type IncidentWrite =
  | { ok: true; row: Row; journal: Row[]; payloads: WebhookPayload[] }
  | { ok: false; status: number; message: string; detail: string };

export interface WriteContext {
  tables: Record<string, Row[]>;
  /** Instance time, `yyyy-MM-dd HH:mm:ss` UTC. */
  at: string;
  user: string;
  /** The `sent_at` the README's script signs into each delivery (epoch ms); undefined: the older script, which signs none. */
  sentAtMs?: number;
}

/** POST: a new incident with its number, priority, system fields and journal entries. */
export function insertIncident(context: WriteContext, body: Record<string, unknown>): IncidentWrite {
  const rows = context.tables.incident;
  const empty = Object.fromEntries(INCIDENT_COLUMNS.map((c) => [c, '']));
  const draft: Row = {
    ...empty,
    state: '1', impact: '3', urgency: '3', active: 'true', sys_class_name: 'incident',
    ...writableValues(body),
    sys_id: newSysId(),
    number: incidentNumber(rows),
    opened_at: context.at,
    sys_created_on: context.at, sys_created_by: context.user, sys_updated_on: context.at, sys_updated_by: context.user,
    sys_mod_count: '0', sys_tags: '',
  };
  const refused = applyRules(context, draft, 'insert');
  if (refused) return refused;
  rows.push(draft);
  const journal = addJournal(context, draft, body);
  const changed = WATCHED_FIELDS.filter((f) => draft[f] !== '');
  return { ok: true, row: draft, journal, payloads: [payload(context, 'incident.created', draft, changed), ...journal.map((j) => payload(context, 'incident.commented', draft, [], j))] };
}

/** PATCH/PUT: changes the given fields; a write that changes nothing leaves sys_mod_count alone. */
export function updateIncident(context: WriteContext, row: Row, body: Record<string, unknown>): IncidentWrite {
  const draft: Row = { ...row, ...writableValues(body) };
  const refused = applyRules(context, draft, 'update');
  if (refused) return refused;
  const changed = WATCHED_FIELDS.filter((f) => draft[f] !== row[f]);
  const hasJournal = JOURNAL_FIELDS.some((f) => typeof body[f] === 'string' && body[f] !== '');
  if (changed.length === 0 && !hasJournal) return { ok: true, row, journal: [], payloads: [] };
  Object.assign(row, draft, {
    sys_updated_on: context.at,
    sys_updated_by: context.user,
    sys_mod_count: String(Number(row.sys_mod_count) + 1),
  });
  const journal = addJournal(context, row, body);
  const updated = changed.length > 0 ? [payload(context, 'incident.updated', row, changed)] : [];
  return { ok: true, row, journal, payloads: [...updated, ...journal.map((j) => payload(context, 'incident.commented', row, [], j))] };
}

/** Instance time as stored: UTC, second precision. */
export function instantOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

function writableValues(body: Record<string, unknown>): Row {
  const values: Row = {};
  for (const column of WRITABLE) {
    if (!(column in body)) continue;
    const value = body[column];
    values[column] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

/** Priority lookup, the assignment-group business rule and the close data policy, in the order instances run them. */
function applyRules(context: WriteContext, draft: Row, action: 'insert' | 'update'): Extract<IncidentWrite, { ok: false }> | undefined {
  draft.priority = PRIORITY_MATRIX[`${draft.impact}/${draft.urgency}`] ?? draft.priority;
  if (draft.state === '7' || draft.state === '8') draft.active = 'false';
  const group = resolveGroup(context.tables.sys_user_group ?? [], draft.assignment_group);
  if (group === undefined) {
    // A customer "before" business rule that calls current.setAbortAction(true). The answer's wording is
    // as commonly reported for aborted Table API writes; unconfirmed from a ServiceNow reference page.
    return {
      status: 403,
      ok: false,
      message: 'Invalid assignment group',
      detail: `Operation against file 'incident' was aborted by Business Rule 'Validate assignment group^0f4c1b2d97a0c1101a2b3c4d5e6f7a8b'. Business Rule Stack:Validate assignment group (${action})`,
    };
  }
  draft.assignment_group = group;
  if (draft.state === '6' || draft.state === '7') {
    const missing = Object.keys(CLOSE_FIELD_LABELS).filter((f) => draft[f] === '');
    if (missing.length > 0) {
      // 403 with "Data Policy Exception" is how instances answer (reported by integrators); the exact detail text is unconfirmed.
      return { ok: false, status: 403, message: 'Operation Failed', detail: `Data Policy Exception: The following fields are mandatory: ${missing.map((f) => CLOSE_FIELD_LABELS[f]).join(', ')}` };
    }
  }
  if (draft.state === '6' && draft.resolved_at === '') draft.resolved_at = context.at;
  if (draft.state === '7' && draft.closed_at === '') draft.closed_at = context.at;
  return undefined;
}

/**
 * The group's sys_id, '' for none, undefined when the rule refuses it. A name is resolved like a
 * display value (instances resolve reference display values on write; unconfirmed for every version).
 */
function resolveGroup(groups: Row[], value: string): string | undefined {
  if (value === '') return '';
  const group = groups.find((g) => g.sys_id === value) ?? groups.find((g) => g.name === value);
  return group && group.active === 'true' ? group.sys_id : undefined;
}

function addJournal(context: WriteContext, incident: Row, body: Record<string, unknown>): Row[] {
  const journal = context.tables.sys_journal_field;
  const added: Row[] = [];
  for (const element of JOURNAL_FIELDS) {
    const value = body[element];
    if (typeof value !== 'string' || value === '') continue;
    const entry: Row = {
      sys_id: newSysId(), name: 'incident', element, element_id: incident.sys_id, value,
      sys_created_on: context.at, sys_created_by: context.user,
    };
    journal.push(entry);
    added.push(entry);
  }
  return added;
}

/** Exactly what the README's Business Rules post. */
function payload(context: WriteContext, event: WebhookPayload['event'], row: Row, changed: readonly string[], journal?: Row): WebhookPayload {
  const lookup = (table: string, sysId: string) => context.tables[table]?.find((r) => r.sys_id === sysId);
  const values = Object.fromEntries(Object.entries(READ_PATHS).map(([field, path]) => [field, dotWalk('incident', row, path.split('.'), lookup)]));
  const base: WebhookPayload = {
    event,
    sys_id: row.sys_id,
    number: row.number,
    sys_updated_on: row.sys_updated_on,
    sys_mod_count: row.sys_mod_count,
    correlation_id: row.correlation_id,
    changed_fields: [...changed],
    values,
  };
  if (context.sentAtMs !== undefined) base.sent_at = String(context.sentAtMs);
  if (!journal) return base;
  const element = journal.element === 'work_notes' ? 'work_notes' : 'comments';
  return { ...base, comment: { sys_id: journal.sys_id, element, value: journal.value, sys_created_by: journal.sys_created_by, sys_created_on: journal.sys_created_on } };
}

function incidentNumber(rows: Row[]): string {
  const highest = rows.reduce((n, r) => Math.max(n, Number(r.number.replace(/^INC/, '')) || 0), 10000);
  return `INC${String(nextNumber(rows, highest)).padStart(7, '0')}`;
}

function newSysId(): string {
  return randomBytes(16).toString('hex');
}
