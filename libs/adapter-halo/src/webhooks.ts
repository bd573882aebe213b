import { createHash } from 'node:crypto';
import { invalidPayload, invalidSignature, parseBasicAuth, parseWebhookJson, secretsEqual, webhookHeader, type ExternalRecord, type InboundEvent, type Result, type WebhookFailure, type WebhookRequest, z } from '@itsm-hub/core';
import { ticketUrl, WEBHOOK_EVENTS } from './client/assumptions';
import { isoOf } from './client/time';
import { actionSchema } from './client/types';
import { FIELDS, isNote, toComment } from './kinds/incident/record';

const PLATFORM = 'Halo';

/**
 * A Halo webhook notification (see ASSUMPTION webhook-payload): the event name, the ticket and, for action
 * events, the action. Loose: Halo sends the whole ticket and action objects.
 */
export const webhookNotificationSchema = z.looseObject({
  event: z.string().min(1),
  ticket: z.looseObject({
    id: z.number().int(),
    summary: z.string().nullish(),
    details: z.string().nullish(),
    status_id: z.number().int().nullish(),
    priority_id: z.number().int().nullish(),
    last_update: z.string().nullish(),
    third_party_id: z.string().nullish(),
  }),
  action: actionSchema.nullish(),
});
export type WebhookNotification = z.infer<typeof webhookNotificationSchema>;

/** One notification, or a batched delivery of several. */
export const webhookBodySchema = z.union([webhookNotificationSchema, z.array(webhookNotificationSchema).min(1)]);

/**
 * Halo signs nothing; it can send Basic authentication (see ASSUMPTION webhook-auth). The password must be
 * the integration's webhook secret; the user name is not checked, so it can be anything in Halo.
 */
export function verifyBasicAuth(request: WebhookRequest, secret: string | undefined): Result<true, WebhookFailure> {
  if (!secret) return invalidSignature('The integration has no webhook secret, so no Halo webhook can be verified');
  const header = webhookHeader(request, 'authorization');
  if (!header) return invalidSignature('Missing Authorization header: set the Halo webhook to Basic Authentication');
  const credentials = parseBasicAuth(header);
  if (!credentials) return invalidSignature('The Authorization header is not HTTP Basic');
  if (!secretsEqual(credentials.password, secret)) return invalidSignature('The Basic authentication password is not the webhook secret');
  return { ok: true, value: true };
}

/** One event per notification: a new ticket, a ticket change, or a note added. */
export function parseHaloWebhook(request: WebhookRequest, root: string): Result<InboundEvent[], WebhookFailure> {
  const json = parseWebhookJson(request, invalidPayload('The body is not JSON', PLATFORM));
  if (!json.ok) return json;
  const parsed = webhookBodySchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidPayload(issue ? `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}` : 'unknown shape', PLATFORM);
  }
  const notifications = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  return { ok: true, value: notifications.map((n) => toEvent(n, root)) };
}

function toEvent(notification: WebhookNotification, root: string): InboundEvent {
  const { ticket, action } = notification;
  const note = action && isNote(action) ? action : undefined;
  const record: ExternalRecord = { kind: 'incident', id: String(ticket.id), number: String(ticket.id), url: ticketUrl(root, ticket.id), fields: presentFields(ticket) };
  const updatedAt = isoOf(ticket.last_update);
  if (updatedAt) record.updatedAt = updatedAt;
  if (ticket.third_party_id) record.correlationId = ticket.third_party_id;
  // No version: the record version hashes the agent's email, which the payload does not carry, so the hub reads the ticket.
  const event: InboundEvent = { type: eventType(notification.event, note !== undefined), record, deliveryId: deliveryIdOf(notification) };
  if (note) {
    const comment = toComment(note);
    record.comments = [comment];
    if (comment.createdAt) event.occurredAt = comment.createdAt;
  } else if (updatedAt) {
    event.occurredAt = updatedAt;
  }
  return event;
}

function eventType(name: string, hasNote: boolean): InboundEvent['type'] {
  if (hasNote) return 'commented';
  return name.trim().toLowerCase() === WEBHOOK_EVENTS.created.toLowerCase() ? 'created' : 'updated';
}

/** The ticket values the payload carries, under the record's flat names; the agent is left to the read. */
function presentFields(ticket: WebhookNotification['ticket']): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  if (ticket.summary !== undefined) fields[FIELDS.summary] = ticket.summary || null;
  if (ticket.details !== undefined) fields[FIELDS.details] = ticket.details || null;
  if (ticket.status_id !== undefined) fields[FIELDS.status] = ticket.status_id === null ? null : String(ticket.status_id);
  if (ticket.priority_id !== undefined) fields[FIELDS.priority] = ticket.priority_id === null ? null : String(ticket.priority_id);
  return fields;
}

/**
 * Halo sends no delivery id (see ASSUMPTION webhook-payload). The whole notification is hashed, not just
 * the ticket id and its one-second last update: two changes within a second differ in their values, while
 * the same notification sent again hashes to the same id.
 */
function deliveryIdOf(notification: WebhookNotification): string {
  return `halo-${createHash('sha256').update(JSON.stringify(notification)).digest('hex').slice(0, 32)}`;
}
