import type { Clock, ErrorClassification, VendorFailure } from '@itsm-hub/core';
import { vendorMessage } from './client';

/**
 * Turns a failed PagerDuty call into an action, after PagerDuty's documented statuses
 * (https://developer.pagerduty.com/docs/rest-api-v2/errors/).
 */
export function classifyPagerDutyError(failure: VendorFailure, clock: Clock): ErrorClassification {
  if (failure.type === 'transport') return { action: 'retry', kind: 'transient', message: failure.error.message };
  const { status, headers, body } = failure;
  const message = vendorMessage(body, status);
  if (status === 429) {
    const retryAfterMs = retryAfter(headers, clock);
    return retryAfterMs === undefined ? { action: 'rate_limited', kind: 'transient', message } : { action: 'rate_limited', kind: 'transient', message, retryAfterMs };
  }
  // 408 is PagerDuty's "The request took too long to process. Please try again."
  if (status >= 500 || status === 408) return { action: 'retry', kind: 'transient', message };
  // An API key cannot be refreshed: a rejected one needs a new key from an admin.
  if (status === 401) return { action: 'fail', kind: 'config', message };
  // 402 means the account lacks an ability (pricing plan), which only configuration can change.
  if (status === 402 || status === 403) return { action: 'fail', kind: 'config', message };
  if (status >= 400) return { action: 'fail', kind: 'user', message };
  return { action: 'fail', kind: 'system', message: `Unexpected HTTP ${status} from PagerDuty: ${message}` };
}

/** Retry-After (seconds or HTTP date), else PagerDuty's own `ratelimit-reset` (seconds to wait). */
function retryAfter(headers: Record<string, string>, clock: Clock): number | undefined {
  const header = headerValue(headers, 'retry-after');
  if (header !== undefined) {
    if (/^\d+(\.\d+)?$/.test(header)) return Math.round(Number(header) * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - clock.now().getTime());
  }
  const reset = headerValue(headers, 'ratelimit-reset');
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset)) return Math.round(Number(reset) * 1000);
  return undefined;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key]?.trim();
  return value ? value : undefined;
}
