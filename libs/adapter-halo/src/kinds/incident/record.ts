import { createHash } from 'node:crypto';
import type { ExternalComment, ExternalRecord } from '@itsm-hub/core';
import { NOTE_OUTCOMES, ticketUrl } from '../../client/assumptions';
import type { HaloAction, HaloTicket } from '../../client/types';
import { isoOf } from '../../client/time';

/** The flat field names of an incident record, which the default mappings' `externalField`s name. */
export const FIELDS = {
  summary: 'summary',
  details: 'details',
  status: 'status_id',
  priority: 'priority_id',
  agent: 'agent_email',
} as const;

/**
 * A ticket as the hub sees it: Halo's own values as text (ids as decimal strings), the agent as the
 * email `agentEmail` resolved from `agent_id`.
 */
export function toExternalRecord(ticket: HaloTicket, agentEmail: string | null, root: string): ExternalRecord {
  const fields: Record<string, string | null> = {
    [FIELDS.summary]: ticket.summary || null,
    [FIELDS.details]: ticket.details || null,
    [FIELDS.status]: idText(ticket.status_id),
    [FIELDS.priority]: idText(ticket.priority_id),
    [FIELDS.agent]: agentEmail,
  };
  const id = String(ticket.id);
  const updatedAt = isoOf(ticket.last_update);
  const record: ExternalRecord = { kind: 'incident', id, number: id, url: ticketUrl(root, id), version: versionOf(ticket, fields), fields };
  if (updatedAt) record.updatedAt = updatedAt;
  if (ticket.third_party_id) record.correlationId = ticket.third_party_id;
  return record;
}

/** Notes among a ticket's actions, oldest first; private (hidden from the end user) notes are internal. */
export function toComments(actions: HaloAction[]): ExternalComment[] {
  return actions
    .filter(isNote)
    .map((action) => ({ action, at: Date.parse(isoOf(action.datetime) ?? '') }))
    .sort((a, b) => (a.at || 0) - (b.at || 0) || a.action.id - b.action.id)
    .map(({ action }) => toComment(action));
}

export function toComment(action: HaloAction): ExternalComment {
  const comment: ExternalComment = { id: String(action.id), body: action.note ?? '', visibility: action.hiddenfromuser ? 'internal' : 'public' };
  const createdAt = isoOf(action.datetime);
  if (createdAt) comment.createdAt = createdAt;
  if (action.who) comment.author = action.who;
  return comment;
}

/** Whether an action is a note (see ASSUMPTION note-actions). */
export function isNote(action: HaloAction): boolean {
  const outcome = (action.outcome ?? '').trim().toLowerCase();
  return NOTE_OUTCOMES.some((note) => note.toLowerCase() === outcome);
}

/**
 * `last_update` has one-second precision, so two changes within a second would share it; a hash of the
 * presented values and the correlation id tells those apart. The version changes whenever either does.
 */
function versionOf(ticket: HaloTicket, fields: Record<string, string | null>): string {
  const presented = [...Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)), ['correlation', ticket.third_party_id ?? null]];
  const hash = createHash('sha256').update(JSON.stringify(presented)).digest('hex').slice(0, 12);
  return `${ticket.last_update ?? ''}#${hash}`;
}

function idText(id: number | null | undefined): string | null {
  return id === null || id === undefined ? null : String(id);
}
