import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ExternalRecord, InboundEvent, Result, WebhookFailure, WebhookRequest } from '@itsm-hub/core';
import { describeIssues } from './client';
import { isoOf, toComment } from './incident/record';
import { DELIVERY_HEADER, SIGNATURE_HEADER, webhookPayloadSchema, type WebhookPayload } from './webhookPayload';

const EVENT_TYPES = { 'incident.created': 'created', 'incident.updated': 'updated', 'incident.commented': 'commented' } as const;

/** Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` under the integration's secret. */
export function verifySignature(request: WebhookRequest, secret: string | undefined): Result<true, WebhookFailure> {
  if (!secret) return invalidSignature('The integration has no webhook secret, so no ServiceNow webhook can be verified');
  const header = headerOf(request, SIGNATURE_HEADER);
  if (!header) return invalidSignature(`Missing ${SIGNATURE_HEADER} header`);
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return invalidSignature(`${SIGNATURE_HEADER} must be sha256=<64 hex digits>`);
  const expected = createHmac('sha256', secret).update(request.rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  if (!timingSafeEqual(expected, given)) return invalidSignature(`${SIGNATURE_HEADER} does not match the body`);
  return { ok: true, value: true };
}

/** The events of one delivery: the record change, or the new comment. */
export function parseEvents(request: WebhookRequest, baseUrl: string): Result<InboundEvent[], WebhookFailure> {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return invalidPayload('The body is not JSON');
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) return invalidPayload(describeIssues(parsed.error.issues));
  const payload = parsed.data;
  if (payload.event === 'incident.commented' && !payload.comment) return invalidPayload('comment: required for incident.commented');
  const deliveryId = headerOf(request, DELIVERY_HEADER);
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
    // Webhooks are notifications: the hub reads the record for its values.
    fields: {},
  };
  if (payload.correlation_id) record.correlationId = payload.correlation_id;
  return record;
}

function headerOf(request: WebhookRequest, name: string): string | undefined {
  const key = Object.keys(request.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : request.headers[key];
}

function invalidSignature(message: string): Result<never, WebhookFailure> {
  return { ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message } };
}

function invalidPayload(message: string): Result<never, WebhookFailure> {
  return { ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: `Invalid ServiceNow webhook payload: ${message}` } };
}
