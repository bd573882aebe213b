import type { VendorFailure } from '../contracts/Adapter';
import type { ErrorClassification } from '../contracts/WriteOperation';

/** Reset values at or above this many seconds are UNIX timestamps (ServiceNow), below it a wait (PagerDuty). */
const EPOCH_SECONDS_FROM = 1_000_000_000;

/** A header's value by case-insensitive name, trimmed; undefined when absent or blank. */
export function headerValue(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = key === undefined ? undefined : headers[key]?.trim();
  return value ? value : undefined;
}

/**
 * How long a platform asks a client to wait, in milliseconds from `now`: `Retry-After` (delta
 * seconds, or an HTTP date), else, for a rate-limited answer, the rate-limit window's reset:
 * `X-RateLimit-Reset` or `ratelimit-reset`, as a UNIX timestamp (ServiceNow), an ISO-8601 time
 * (Jira) or seconds to wait (PagerDuty, the IETF RateLimit fields). Platforms send the window's
 * reset on other answers too, where it says nothing about when to retry. Undefined when no header
 * says, or none can be read.
 */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>, now: Date, rateLimited = true): number | undefined {
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const delay = secondsOrDate(retryAfter, now, false);
    if (delay !== undefined) return delay;
  }
  if (!rateLimited) return undefined;
  const reset = headerValue(headers, 'x-ratelimit-reset') ?? headerValue(headers, 'ratelimit-reset');
  return reset === undefined ? undefined : secondsOrDate(reset, now, true);
}

function secondsOrDate(value: string, now: Date, epochAllowed: boolean): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    if (epochAllowed && seconds >= EPOCH_SECONDS_FROM) return Math.max(0, Math.round(seconds * 1000 - now.getTime()));
    return Math.round(seconds * 1000);
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The ladder every HTTP platform shares: no answer (transport), 408 and 5xx retry (with the wait
 * the platform asks for, if it does), 429 is rate limited, 401 and 403 are configuration (the
 * credentials or their rights), any other 4xx is the user's input, anything else a system fault.
 * `message` is the vendor's own words, which only the adapter can read from its body. Adapters
 * decide their platform's own cases (a refreshable token, a business-rule abort) before this.
 */
export function classifyHttpFailure(failure: VendorFailure, options: { now: Date; message: string }): ErrorClassification {
  const { message } = options;
  if (failure.type === 'transport') return { action: 'retry', kind: 'transient', message };
  const { status } = failure;
  const waited = (wait: number | undefined) => (wait === undefined ? {} : { retryAfterMs: wait });
  if (status === 429) return { action: 'rate_limited', kind: 'transient', message, ...waited(retryAfterMs(failure.headers, options.now)) };
  if (status >= 500 || status === 408) return { action: 'retry', kind: 'transient', message, ...waited(retryAfterMs(failure.headers, options.now, false)) };
  if (status === 401 || status === 403) return { action: 'fail', kind: 'config', message };
  if (status >= 400) return { action: 'fail', kind: 'user', message };
  return { action: 'fail', kind: 'system', message };
}

/** True for the actions a later attempt of the same call can succeed at. */
export function isRetryable(classification: ErrorClassification): boolean {
  return classification.action === 'retry' || classification.action === 'rate_limited';
}
