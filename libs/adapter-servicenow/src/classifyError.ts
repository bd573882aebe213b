import type { ErrorClassification, VendorFailure } from '@itsm-hub/core';
import { tableErrorSchema, tokenErrorSchema } from './client/types';

/**
 * The vendor's own message from a ServiceNow error body: the Table API envelope
 * {"error":{"message","detail"},"status":"failure"}, or the token endpoint's
 * {"error","error_description"}. Undefined when the body has neither shape nor text.
 */
export function vendorMessage(body: unknown): string | undefined {
  const table = tableErrorSchema.safeParse(body);
  if (table.success) {
    const { message, detail } = table.data.error;
    return detail ? `${message} (${detail})` : message;
  }
  const token = tokenErrorSchema.safeParse(body);
  if (token.success) {
    const { error, error_description: description } = token.data;
    return description ? `${description} (${error})` : error;
  }
  // Proxies and hibernating instances answer with HTML or plain text.
  if (typeof body === 'string' && body.trim() !== '') return body.trim().replace(/\s+/g, ' ').slice(0, 300);
  return undefined;
}

export function isTokenError(body: unknown): boolean {
  return tokenErrorSchema.safeParse(body).success;
}

/** Retry-After in milliseconds, given as delta seconds or as an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Turns a failed ServiceNow call into an action. `canRefreshAuth` says whether a new token could
 * help a 401: true for OAuth, false for Basic, where the same password fails again.
 */
export function classifyServiceNowError(failure: VendorFailure, options: { now: Date; canRefreshAuth: boolean }): ErrorClassification {
  if (failure.type === 'transport') return { action: 'retry', kind: 'transient', message: failure.error.message };
  const { status, body } = failure;
  const message = vendorMessage(body) ?? `ServiceNow answered HTTP ${status}`;
  if (status === 429) {
    return { action: 'rate_limited', kind: 'transient', retryAfterMs: parseRetryAfter(header(failure.headers, 'retry-after'), options.now), message };
  }
  if (status >= 500 || status === 408) return { action: 'retry', kind: 'transient', message };
  if (status === 401) {
    // A 401 from the token endpoint means the client or user credentials are wrong: a new token cannot help.
    const refreshable = options.canRefreshAuth && !isTokenError(body);
    return refreshable ? { action: 'refresh_auth', kind: 'config', message } : { action: 'fail', kind: 'config', message };
  }
  if (status === 403) return { action: 'fail', kind: 'config', message };
  if ([400, 404, 409, 422].includes(status)) return { action: 'fail', kind: 'user', message };
  if (status >= 300 && status < 400) {
    // Redirects mean a wrong base URL (http instead of https, a hibernating instance's login page).
    const location = header(failure.headers, 'location');
    return { action: 'fail', kind: 'config', message: location ? `${message}; redirected to ${location}` : message };
  }
  return { action: 'fail', kind: 'system', message };
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
