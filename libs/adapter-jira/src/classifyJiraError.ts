import type { ErrorClassification, VendorFailure } from '@itsm-hub/core';
import { jiraErrorCollectionSchema, jiraGatewayErrorSchema } from './client/types';

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

/** Milliseconds to wait from `Retry-After` (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * Turns a failed Jira call into an action. Jira Cloud API tokens are static, so a 401 cannot be fixed
 * by refreshing: it fails as a configuration problem.
 */
export function classifyJiraError(failure: VendorFailure, now: Date): ErrorClassification {
  if (failure.type === 'transport') return { action: 'retry', kind: 'transient', message: failure.error.message };
  const { status, headers, body } = failure;
  const message = jiraErrorMessage(status, body);
  const retryAfter = retryAfterMs(headers['retry-after'], now);
  if (status === 429) return withDelay({ action: 'rate_limited', kind: 'transient', message }, retryAfter);
  // Some Jira 503s carry Retry-After too (rate limiting documentation).
  if (status >= 500) return withDelay({ action: 'retry', kind: 'transient', message }, retryAfter);
  if (status === 401 || status === 403) return { action: 'fail', kind: 'config', message };
  if (status >= 400) return { action: 'fail', kind: 'user', message };
  return { action: 'fail', kind: 'system', message };
}

function withDelay(classification: ErrorClassification, delay: number | undefined): ErrorClassification {
  return delay === undefined ? classification : { ...classification, retryAfterMs: delay };
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
