import { invalidPayload, invalidSignature, parseWebhookJson, verifyHmacSha256Hex, webhookHeader, z, type InboundEvent, type Result, type WebhookFailure, type WebhookRequest } from '@itsm-hub/core';
import { pagerDutyReferenceSchema } from './client/types';

// PagerDuty Webhooks v3 (developer-docs docs/webhooks/01-Overview.md and 04-Signatures.md).

const SIGNATURE_HEADER = 'x-pagerduty-signature';

/**
 * `X-PagerDuty-Signature` holds `v1=<hex HMAC-SHA256 of the raw body>`, several of them comma
 * separated while a subscription's secret is being rotated; any one matching authenticates the body.
 */
export function verifyPagerDutySignature(request: WebhookRequest, secret: string | undefined): Result<true, WebhookFailure> {
  if (!secret) return invalidSignature('No webhook secret is configured for this PagerDuty integration');
  const header = webhookHeader(request, SIGNATURE_HEADER);
  if (!header) return invalidSignature('The X-PagerDuty-Signature header is missing');
  const matches = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .some((part) => verifyHmacSha256Hex(request.rawBody, secret, part.slice(3)));
  return matches ? { ok: true, value: true } : invalidSignature('No X-PagerDuty-Signature matches the body under the configured secret');
}

const incidentDataSchema = z.looseObject({
  id: z.string(),
  type: z.literal('incident'),
  html_url: z.string().nullish(),
  number: z.number().int().optional(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']).optional(),
  incident_key: z.string().nullish(),
  title: z.string().optional(),
  urgency: z.enum(['high', 'low']).optional(),
  service: pagerDutyReferenceSchema.optional(),
  priority: pagerDutyReferenceSchema.nullish(),
});

const noteDataSchema = z.looseObject({
  id: z.string(),
  type: z.literal('incident_note'),
  content: z.string(),
  incident: pagerDutyReferenceSchema,
});

const payloadSchema = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string(),
    occurred_at: z.string(),
    agent: pagerDutyReferenceSchema.nullish(),
    data: z.looseObject({ type: z.string() }),
  }),
});

/** What each incident event says changed, in the adapter's field names. */
const CHANGED_FIELDS: Record<string, string[]> = {
  'incident.acknowledged': ['status'],
  'incident.unacknowledged': ['status'],
  'incident.resolved': ['status'],
  'incident.reopened': ['status', 'assignee'],
  'incident.reassigned': ['assignee'],
  'incident.escalated': ['assignee'],
  'incident.delegated': ['assignee'],
  'incident.priority_updated': ['priority'],
};

/**
 * One v3 delivery carries one event. Incident events become `created` (triggered) or `updated`;
 * `incident.annotated` becomes `commented`. Events about other resources (services) and incident
 * events whose data is not the incident (responders, status updates) carry nothing the hub syncs
 * and yield no event. Webhook data lacks `updated_at` and assignee emails, so `version` is left
 * unset and the hub reads the incident.
 */
export function parsePagerDutyWebhook(request: WebhookRequest, serviceIds: string[] | undefined): Result<InboundEvent[], WebhookFailure> {
  // PagerDuty's payload messages name the platform themselves, so they take no prefix.
  const json = parseWebhookJson(request, invalidPayload('The PagerDuty webhook body is not JSON'));
  if (!json.ok) return json;
  const parsed = payloadSchema.safeParse(json.value);
  if (!parsed.success) return invalidPayload(`Not a PagerDuty v3 webhook payload: ${describe(parsed.error.issues)}`);
  const { event } = parsed.data;
  if (event.resource_type !== 'incident') return { ok: true, value: [] };

  if (event.event_type === 'incident.annotated') {
    const note = noteDataSchema.safeParse(event.data);
    if (!note.success) return invalidPayload(`incident.annotated data is not an incident note: ${describe(note.error.issues)}`);
    // Note data names the incident but not its service, so service scoping cannot apply here.
    return {
      ok: true,
      value: [{
        type: 'commented',
        deliveryId: event.id,
        occurredAt: event.occurred_at,
        record: {
          kind: 'incident',
          id: note.data.incident.id,
          fields: {},
          comments: [{ id: note.data.id, body: note.data.content, visibility: 'public', createdAt: event.occurred_at }],
          ...(note.data.incident.html_url ? { url: note.data.incident.html_url } : {}),
        },
      }],
    };
  }
  if (event.data.type !== 'incident') return { ok: true, value: [] };

  const incident = incidentDataSchema.safeParse(event.data);
  if (!incident.success) return invalidPayload(`${event.event_type} data is not an incident: ${describe(incident.error.issues)}`);
  const data = incident.data;
  if (serviceIds && data.service && !serviceIds.includes(data.service.id)) return { ok: true, value: [] };

  const fields: Record<string, string | null> = {};
  if (data.title !== undefined) fields.title = data.title;
  if (data.status !== undefined) fields.status = data.status;
  if (data.urgency !== undefined) fields.urgency = data.urgency;
  // Webhook priority references carry the priority's name as their summary.
  if (data.priority !== undefined) fields.priority = data.priority?.summary ?? null;
  const changedFields = CHANGED_FIELDS[event.event_type];
  return {
    ok: true,
    value: [{
      type: event.event_type === 'incident.triggered' ? 'created' : 'updated',
      deliveryId: event.id,
      occurredAt: event.occurred_at,
      ...(changedFields ? { changedFields } : {}),
      record: {
        kind: 'incident',
        id: data.id,
        fields,
        updatedAt: event.occurred_at,
        ...(data.number !== undefined ? { number: String(data.number) } : {}),
        ...(data.html_url ? { url: data.html_url } : {}),
        ...(data.incident_key ? { correlationId: data.incident_key } : {}),
      },
    }],
  };
}

function describe(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const issue = issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
}
