import { createHmac } from 'node:crypto';
import { EmulatorApp, type EmulatorOptions, type RateLimitState } from '@itsm-hub/core/emulator';
import { pagerDutyError } from './errors';
import { seedStore } from './seed';
import type { PagerDutyStore } from './types';

/**
 * PagerDuty's account behind the shared emulator frame: its error bodies for injected faults, its
 * v3 webhook signature, and its seeded data restored on reset.
 */
export class PagerDutyEmulator extends EmulatorApp {
  readonly store: PagerDutyStore;

  constructor(options: EmulatorOptions = {}) {
    super(options);
    this.store = seedStore(new Date(this.now()));
  }

  protected override signWebhook(raw: string, secret: string, deliveryId: string): Record<string, string> {
    return {
      'x-pagerduty-signature': `v1=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`,
      // PagerDuty's documented replay key (developer-docs webhooks/02-Behavior.md).
      'x-webhook-id': deliveryId,
      // The exact User-Agent PagerDuty sends is unconfirmed.
      'user-agent': 'PagerDuty-Webhook/V3.0',
    };
  }

  /** PagerDuty sends these with every call it counts, the 429 included; the reset is in seconds (support.pagerduty.com rest-api-rate-limits). */
  protected override rateLimitHeaders(state: RateLimitState): Record<string, string> {
    return {
      ...(state.limit !== undefined ? { 'ratelimit-limit': String(state.limit) } : {}),
      'ratelimit-remaining': String(state.remaining),
      'ratelimit-reset': String(Math.max(1, Math.ceil((state.resetAtMs - this.now()) / 1000))),
    };
  }

  protected override faultBody(status: number): unknown {
    return faultBodies[status] ?? (status >= 500 ? faultBodies[500] : pagerDutyError('Invalid Input Provided', 2001));
  }

  protected override resetState(): void {
    // In place: callers keep a reference to the store.
    Object.assign(this.store, seedStore(new Date(this.now())));
  }
}

// Messages and codes from PagerDuty's error code table (developer-docs REST-API/14-Errors.md).
const faultBodies: Record<number, unknown> = {
  400: pagerDutyError('Invalid Input Provided', 2001),
  401: pagerDutyError('Authentication failed', 2006),
  403: pagerDutyError('Access Denied', 2010),
  404: pagerDutyError('Not Found', 2100),
  429: pagerDutyError('Rate Limit Exceeded', 2020),
  500: pagerDutyError('An internal error has occurred. PagerDuty team has been notified.', 2000),
};
