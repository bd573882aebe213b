import { classifyHttpFailure, type Clock, type ErrorClassification, type VendorFailure } from '@itsm-hub/core';
import { vendorMessage } from './http';

/**
 * Turns a failed PagerDuty call into an action, after PagerDuty's documented statuses
 * (https://developer.pagerduty.com/docs/rest-api-v2/errors/): the shared ladder, where a 429 waits
 * for `Retry-After` or PagerDuty's `ratelimit-reset`, and 402 (the account's plan lacks an ability)
 * is configuration, which only an admin can change. An API key cannot be refreshed, so a 401 fails.
 */
export function classifyPagerDutyError(failure: VendorFailure, clock: Clock): ErrorClassification {
  const now = clock.now();
  if (failure.type === 'transport') return classifyHttpFailure(failure, { now, message: failure.error.message });
  const message = vendorMessage(failure.body, failure.status);
  if (failure.status === 402) return { action: 'fail', kind: 'config', message };
  const classified = classifyHttpFailure(failure, { now, message });
  return classified.kind === 'system' ? { ...classified, message: `Unexpected HTTP ${failure.status} from PagerDuty: ${message}` } : classified;
}
