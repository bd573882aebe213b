import { invalidPayload, invalidSignature, parseWebhookJson, sha256SignatureDigest, verifyHmacSha256Hex, webhookHeader, type ExternalRecord, type InboundEvent, type Result, type WebhookFailure, type WebhookRequest, type WebhookVerification, z } from '@itsm-hub/core';
import { describeIssues } from './client/http';
import { isoOf, presentedValues, toComment } from './kinds/incident/record';

/**
 * The hub's own ServiceNow webhook (instances have no native signed webhooks): the JSON the README's
 * Business Rules post, and the emulator posts, after each incident change. All values are strings,
 * as GlideRecord.getValue returns them; dates are the instance's UTC `yyyy-MM-dd HH:mm:ss`.
 */
export const WEBHOOK_EVENTS = ['incident.created', 'incident.updated', 'incident.commented'] as const;

/** Incident fields whose changes the Business Rule reports in `changed_fields`. */
export const WATCHED_FIELDS = [
  'short_description', 'description', 'state', 'impact', 'urgency', 'priority', 'assigned_to', 'caller_id',
  'assignment_group', 'category', 'subcategory', 'close_code', 'close_notes', 'correlation_id',
] as const;

export const webhookCommentSchema = z.object({
  sys_id: z.string().min(1),
  element: z.enum(['comments', 'work_notes']),
  value: z.string(),
  sys_created_by: z.string(),
  sys_created_on: z.string(),
});

export const webhookPayloadSchema = z.object({
  event: z.enum(WEBHOOK_EVENTS),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, { error: 'sys_id must be a 32-character hex sys_id' }),
  number: z.string(),
  sys_updated_on: z.string(),
  sys_mod_count: z.string().regex(/^\d+$/, { error: 'sys_mod_count must be a whole number' }),
  correlation_id: z.string(),
  changed_fields: z.array(z.string()),
  /**
   * The watched fields as the hub reads them (people by email, the group by name). Scripts older
   * than this field do not send it; with it the hub recognises the echo of its own write at receipt.
   */
  values: z.record(z.string(), z.string()).optional(),
  comment: webhookCommentSchema.optional(),
  /**
   * When the script sent the delivery, in epoch milliseconds (GlideDateTime.getNumericValue): in the
   * signed body, so a captured delivery cannot be replayed after the window. Older scripts omit it.
   */
  sent_at: z.string().regex(/^\d{1,16}$/, { error: 'sent_at must be epoch milliseconds' }).optional(),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export const SIGNATURE_HEADER = 'x-hub-signature-256';
export const DELIVERY_HEADER = 'x-hub-delivery';

const PLATFORM = 'ServiceNow';
const EVENT_TYPES = { 'incident.created': 'created', 'incident.updated': 'updated', 'incident.commented': 'commented' } as const;

export interface SignedTimestampPolicy {
  now: Date;
  /** Refuse deliveries without `sent_at` (the old script's) instead of accepting them with a warning. */
  required: boolean;
  maxAgeMs: number;
}

export const OLD_SCRIPT_WARNING = 'Deliveries carry no signed sent_at: update the ItsmHubWebhook script include from the ServiceNow adapter README, then set require_signed_timestamp';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` under the integration's
 * secret, then the signed `sent_at`: a delivery signed longer ago than the policy allows (or as far
 * in the future) is refused, one without it is accepted with a warning unless the policy requires it.
 */
export function verifySignature(request: WebhookRequest, secret: string | undefined, policy: SignedTimestampPolicy): Result<WebhookVerification, WebhookFailure> {
  if (!secret) return invalidSignature('The integration has no webhook secret, so no ServiceNow webhook can be verified');
  const header = webhookHeader(request, SIGNATURE_HEADER);
  if (!header) return invalidSignature(`Missing ${SIGNATURE_HEADER} header`);
  const digest = sha256SignatureDigest(header);
  if (!digest) return invalidSignature(`${SIGNATURE_HEADER} must be sha256=<64 hex digits>`);
  if (!verifyHmacSha256Hex(request.rawBody, secret, digest)) return invalidSignature(`${SIGNATURE_HEADER} does not match the body`);
  const sentAt = signedSentAt(request);
  if (sentAt === undefined) {
    return policy.required ? invalidSignature('The delivery has no signed sent_at, and the integration requires one (require_signed_timestamp): update the ItsmHubWebhook script include from the adapter README') : { ok: true, value: { warning: OLD_SCRIPT_WARNING } };
  }
  const ageSeconds = Math.round((policy.now.getTime() - sentAt) / 1000);
  if (Math.abs(ageSeconds) * 1000 > policy.maxAgeMs) {
    const when = ageSeconds >= 0 ? `${ageSeconds} s ago` : `${-ageSeconds} s in the future`;
    return invalidSignature(`The delivery was signed ${when}; deliveries are accepted within ${policy.maxAgeMs / 1000} s (signed_timestamp_max_age_seconds; check the instance's clock if this repeats)`);
  }
  return { ok: true, value: true };
}

/** The signed body's sent_at, when it is a JSON object carrying a valid one; a malformed body is parseEvents' to refuse. */
function signedSentAt(request: WebhookRequest): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const sentAt = (body as { sent_at?: unknown } | null)?.sent_at;
  return typeof sentAt === 'string' && /^\d{1,16}$/.test(sentAt) ? Number(sentAt) : undefined;
}

/** The events of one delivery: the record change, or the new comment. */
export function parseEvents(request: WebhookRequest, baseUrl: string): Result<InboundEvent[], WebhookFailure> {
  const json = parseWebhookJson(request, invalidPayload('The body is not JSON', PLATFORM));
  if (!json.ok) return json;
  const parsed = webhookPayloadSchema.safeParse(json.value);
  if (!parsed.success) return invalidPayload(describeIssues(parsed.error.issues), PLATFORM);
  const payload = parsed.data;
  if (payload.event === 'incident.commented' && !payload.comment) return invalidPayload('comment: required for incident.commented', PLATFORM);
  const deliveryId = webhookHeader(request, DELIVERY_HEADER);
  const record = recordOf(payload, baseUrl);
  const event: InboundEvent = { type: EVENT_TYPES[payload.event], record, changedFields: payload.changed_fields, occurredAt: record.updatedAt };
  if (deliveryId) event.deliveryId = deliveryId;
  if (payload.comment) {
    const comment = toComment(payload.comment);
    record.comments = [comment];
    event.occurredAt = comment.createdAt;
  }
  return { ok: true, value: [event] };
}

function recordOf(payload: WebhookPayload, baseUrl: string): ExternalRecord {
  const record: ExternalRecord = {
    kind: 'incident',
    id: payload.sys_id,
    number: payload.number || undefined,
    url: `${baseUrl.replace(/\/+$/, '')}/nav_to.do?uri=incident.do?sys_id=${payload.sys_id}`,
    version: payload.sys_mod_count,
    updatedAt: isoOf(payload.sys_updated_on),
    // Webhooks are notifications: the hub reads the record for its values. The values a current
    // Business Rule sends only let it recognise its own writes coming back without that read.
    fields: payload.values ? presentedValues(payload.values) : {},
  };
  if (payload.correlation_id) record.correlationId = payload.correlation_id;
  return record;
}
