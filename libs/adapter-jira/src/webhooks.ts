import { invalidPayload, invalidSignature, parseWebhookJson, sha256SignatureDigest, verifyHmacSha256Hex, webhookHeader, z, type ExternalRecord, type InboundEvent, type Result, type WebhookFailure, type WebhookRequest } from '@itsm-hub/core';
import { adfToText } from './client/adf';
import { jiraCommentSchema, jiraIssueFieldsSchema } from './client/types';
import { commentVisibility, correlationOf, isoOf } from './kinds/incident/record';

/** Admin webhooks with a secret sign the raw body: `X-Hub-Signature: sha256=<hex HMAC-SHA256>` (WebSub format, not `-256`). */
export const SIGNATURE_HEADER = 'x-hub-signature';
/** Unique per delivery and unchanged across retries (jira.js headers.ts from a real capture; not in Atlassian's reference). */
export const DELIVERY_HEADER = 'x-atlassian-webhook-identifier';

const PLATFORM = 'Jira';

/** The events that become hub events; each carries the issue. */
const ISSUE_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'comment_created'] as const;
const eventNameSchema = z.looseObject({ webhookEvent: z.string() });

/** The parts of an issue or comment event the hub uses (payload shape: developer.atlassian.com/cloud/jira/platform/webhooks). */
const payloadSchema = z.looseObject({
  webhookEvent: z.enum(ISSUE_EVENTS),
  timestamp: z.number().optional(),
  issue: z.looseObject({ id: z.string().min(1), key: z.string().min(1), fields: jiraIssueFieldsSchema.default({}) }).optional(),
  changelog: z.looseObject({ items: z.array(z.looseObject({ field: z.string() })).default([]) }).nullish(),
  comment: jiraCommentSchema.optional(),
});
type Payload = z.infer<typeof payloadSchema>;

export function verifyJiraSignature(request: WebhookRequest, secret: string | undefined): Result<true, WebhookFailure> {
  if (!secret) return invalidSignature('The integration has no webhook secret, so no Jira webhook can be verified');
  const header = webhookHeader(request, SIGNATURE_HEADER);
  if (!header) return invalidSignature('Missing X-Hub-Signature header: give the Jira webhook a secret');
  const digest = sha256SignatureDigest(header);
  if (!digest) return invalidSignature('X-Hub-Signature must be sha256=<64 hex digits>');
  if (!verifyHmacSha256Hex(request.rawBody, secret, digest)) return invalidSignature('X-Hub-Signature does not match the body');
  return { ok: true, value: true };
}

/**
 * Issue created/updated and comment created deliveries as hub events; every other event (issue
 * deleted, project, version, user, ... events, most without an `issue`) is acknowledged with no
 * events, whatever else its body holds. Jira sends a new comment twice: as `comment_created` and as
 * a `jira:issue_updated` with the comment and no changelog items; only the first becomes an event.
 */
export function parseJiraWebhook(request: WebhookRequest, baseUrl: string): Result<InboundEvent[], WebhookFailure> {
  const json = parseWebhookJson(request, invalidPayload('the body is not JSON', PLATFORM));
  if (!json.ok) return json;
  const named = eventNameSchema.safeParse(json.value);
  if (!named.success) return invalidPayload(issuesText(named.error.issues), PLATFORM);
  if (!(ISSUE_EVENTS as readonly string[]).includes(named.data.webhookEvent)) return { ok: true, value: [] };
  const parsed = payloadSchema.safeParse(json.value);
  if (!parsed.success) return invalidPayload(issuesText(parsed.error.issues), PLATFORM);
  const payload = parsed.data;
  const issue = payload.issue;
  if (!issue) return invalidPayload(`issue: required for ${payload.webhookEvent}`, PLATFORM);
  const changed = (payload.changelog?.items ?? []).map((item) => item.field);
  const base = { deliveryId: deliveryIdOf(request, payload, issue.id), record: recordOf(issue, baseUrl) };
  const occurredAt = payload.timestamp === undefined ? undefined : new Date(payload.timestamp).toISOString();
  const event = (type: InboundEvent['type'], extra: Partial<InboundEvent> = {}): InboundEvent => ({ type, ...base, ...(occurredAt ? { occurredAt } : {}), ...extra });
  switch (payload.webhookEvent) {
    case 'jira:issue_created':
      return { ok: true, value: [event('created')] };
    case 'jira:issue_updated':
      if (payload.comment && changed.length === 0) return { ok: true, value: [] };
      return { ok: true, value: [event('updated', { changedFields: [...new Set(changed)] })] };
    case 'comment_created': {
      if (!payload.comment) return invalidPayload('comment: required for comment_created', PLATFORM);
      const comment = payload.comment;
      base.record.comments = [
        {
          id: comment.id,
          body: adfToText(comment.body),
          visibility: commentVisibility(comment),
          ...(comment.author?.emailAddress ? { author: comment.author.emailAddress } : {}),
          ...(comment.created && isoOf(comment.created) ? { createdAt: isoOf(comment.created) } : {}),
        },
      ];
      return { ok: true, value: [event('commented')] };
    }
  }
}

function issuesText(issues: z.ZodError['issues']): string {
  return issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

function recordOf(issue: NonNullable<Payload['issue']>, baseUrl: string): ExternalRecord {
  // Webhooks are notifications: the hub reads the issue for its values.
  const record: ExternalRecord = { kind: 'incident', id: issue.id, number: issue.key, url: `${baseUrl.replace(/\/+$/, '')}/browse/${issue.key}`, fields: {} };
  const updated = issue.fields.updated;
  if (updated) {
    record.version = updated;
    record.updatedAt = isoOf(updated);
  }
  const correlationId = correlationOf(issue.fields.labels ?? []);
  if (correlationId) record.correlationId = correlationId;
  return record;
}

/** The delivery header, else event + timestamp + issue (stable across Jira's retries of one event). */
function deliveryIdOf(request: WebhookRequest, payload: Payload, issueId: string): string {
  return webhookHeader(request, DELIVERY_HEADER) ?? `${payload.webhookEvent}:${payload.timestamp ?? ''}:${issueId}`;
}
