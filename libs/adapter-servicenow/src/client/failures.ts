import { classifyHttpFailure, headerValue, type ErrorClassification, type VendorFailure } from '@itsm-hub/core';
import { tableErrorSchema, tokenErrorSchema } from './types';

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

/**
 * Turns a failed ServiceNow call into an action: ServiceNow's own cases, then the shared ladder.
 * `canRefreshAuth` says whether a new token could help a 401: true for OAuth, false for Basic,
 * where the same password fails again.
 */
export function classifyServiceNowError(failure: VendorFailure, options: { now: Date; canRefreshAuth: boolean }): ErrorClassification {
  if (failure.type === 'transport') return classifyHttpFailure(failure, { now: options.now, message: failure.error.message });
  const { status, body } = failure;
  const message = vendorMessage(body) ?? `ServiceNow answered HTTP ${status}`;
  // A 401 from the token endpoint means the client or user credentials are wrong: a new token cannot help.
  if (status === 401 && options.canRefreshAuth && !isTokenError(body)) return { action: 'refresh_auth', kind: 'config', message };
  if (status >= 300 && status < 400) {
    // Redirects mean a wrong base URL (http instead of https, a hibernating instance's login page).
    const location = headerValue(failure.headers, 'location');
    return { action: 'fail', kind: 'config', message: location ? `${message}; redirected to ${location}` : message };
  }
  return classifyHttpFailure(failure, { now: options.now, message });
}
