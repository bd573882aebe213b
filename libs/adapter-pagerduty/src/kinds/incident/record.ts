import { createHash } from 'node:crypto';
import type { ExternalComment, ExternalRecord } from '@itsm-hub/core';
import type { PagerDutyIncident, PagerDutyNote } from '../../client/types';
import type { PagerDutyDirectory } from '../../client/directory';

/**
 * An incident as the hub sees it: flat fields named after the default mappings' external fields
 * (`title`, `status`, `urgency`, `priority` by name, `assignee` as the first assignee's email).
 */
export async function toExternalRecord(incident: PagerDutyIncident, directory: PagerDutyDirectory, notes?: PagerDutyNote[]): Promise<ExternalRecord> {
  const assigneeId = incident.assignments?.[0]?.assignee.id;
  const fields: Record<string, string | null> = {
    title: incident.title,
    status: incident.status,
    urgency: incident.urgency ?? null,
    priority: priorityName(incident),
    assignee: assigneeId === undefined ? null : ((await directory.emailOf(assigneeId)) ?? null),
  };
  const record: ExternalRecord = {
    kind: 'incident',
    id: incident.id,
    number: String(incident.incident_number),
    fields,
    version: versionOf(incident, fields),
    ...(incident.updated_at ? { updatedAt: incident.updated_at } : {}),
    ...(incident.html_url ? { url: incident.html_url } : {}),
    ...(incident.incident_key ? { correlationId: incident.incident_key } : {}),
  };
  if (notes) record.comments = await toComments(notes, directory);
  return record;
}

function priorityName(incident: PagerDutyIncident): string | null {
  const priority = incident.priority;
  if (!priority) return null;
  const name = (priority as { name?: unknown }).name;
  return typeof name === 'string' ? name : (priority.summary ?? null);
}

/**
 * `updated_at` has one-second precision, so two changes within a second would share it; the hash
 * of the presented values tells those apart. The version therefore changes whenever the time or
 * any presented value does.
 */
function versionOf(incident: PagerDutyIncident, fields: Record<string, string | null>): string {
  const stamp = incident.updated_at ?? incident.created_at;
  const hash = createHash('sha256').update(JSON.stringify(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))).digest('hex').slice(0, 12);
  return `${stamp}#${hash}`;
}

async function toComments(notes: PagerDutyNote[], directory: PagerDutyDirectory): Promise<ExternalComment[]> {
  const ordered = [...notes].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  const comments: ExternalComment[] = [];
  for (const note of ordered) {
    // Notes written by a service carry a bot_user_reference, which has no email: its name stands in.
    const author = note.user?.type === 'user_reference' ? await directory.emailOf(note.user.id) : (note.user?.summary ?? undefined);
    comments.push({ id: note.id, body: note.content, visibility: 'public', createdAt: note.created_at, ...(author ? { author } : {}) });
  }
  return comments;
}
