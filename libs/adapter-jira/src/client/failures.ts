import { classifyHttpFailure, type ErrorClassification, type VendorFailure } from '@itsm-hub/core';
import { jiraErrorCollectionSchema, jiraGatewayErrorSchema } from './types';

const MAX_MESSAGE_LENGTH = 500;

/**
 * The vendor's own words from a Jira error body: an `ErrorCollection` (`errorMessages` plus per-field
 * `errors`), the edge's `{message, status-code}`, or the plain text Jira Cloud answers a failed basic
 * login with. Falls back to the status when the body says nothing usable.
 */
export function jiraErrorMessage(status: number, body: unknown): string {
  const collection = jiraErrorCollectionSchema.safeParse(body);
  if (collection.success) {
    const parts = [
      ...(collection.data.errorMessages ?? []),
      ...Object.entries(collection.data.errors ?? {}).map(([field, message]) => `${field}: ${message}`),
    ].filter((part) => part.trim().length > 0);
    if (parts.length > 0) return truncate(parts.join('; '));
  }
  const gateway = jiraGatewayErrorSchema.safeParse(body);
  if (gateway.success && gateway.data.message.trim()) return truncate(gateway.data.message.trim());
  if (typeof body === 'string' && body.trim()) return truncate(textOf(body));
  return `Jira answered HTTP ${status} without an error message`;
}

/**
 * Turns a failed Jira call into an action: the shared ladder (Jira Cloud API tokens are static, so
 * a 401 fails as a configuration problem; some Jira 503s carry Retry-After, which is honoured) with
 * Jira's own words for the message.
 */
export function classifyJiraError(failure: VendorFailure, now: Date): ErrorClassification {
  const message = failure.type === 'transport' ? failure.error.message : jiraErrorMessage(failure.status, failure.body);
  return classifyHttpFailure(failure, { now, message });
}

/** Plain text as is; for an HTML error page, its title (Jira serves those from some proxies). */
function textOf(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body);
  if (title?.[1]?.trim()) return title[1].trim();
  return body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
