import { createHmac } from 'node:crypto';
import { EmulatorApp, type EmulatorOptions, type RateLimitState } from '@itsm-hub/core/emulator';
import { createState, type JiraEmulatorState, type JiraPermissionKey } from './state';

/**
 * Jira Cloud behind the shared emulator frame: ErrorCollection bodies for injected faults, admin
 * webhook signatures, and the seeded site restored on reset.
 */
export class JiraEmulator extends EmulatorApp {
  readonly state: JiraEmulatorState;

  constructor(
    private readonly email: string,
    private readonly withheld: JiraPermissionKey[],
    options: EmulatorOptions = {},
  ) {
    super(options);
    this.state = createState(email, withheld);
  }

  protected override signWebhook(raw: string, secret: string, deliveryId: string): Record<string, string> {
    return {
      // Admin webhooks with a secret: WebSub `method=signature` (developer.atlassian.com webhooks, "secure admin webhooks").
      'x-hub-signature': `sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`,
      // Header names as a real delivery carries them (jira.js headers.ts, third-party capture).
      'x-atlassian-webhook-identifier': deliveryId,
      'x-atlassian-webhook-flow': 'Primary',
    };
  }

  /**
   * Jira sends its rate-limit headers with the 429 (developer.atlassian.com/cloud/jira/platform/rate-limiting):
   * `X-RateLimit-Reset` is an ISO minute, `RateLimit-Reason` names the limit that was hit.
   */
  protected override rateLimitHeaders(state: RateLimitState): Record<string, string> {
    if (state.retryAfterSeconds === undefined) return {};
    return {
      ...(state.limit !== undefined ? { 'X-RateLimit-Limit': String(state.limit) } : {}),
      'X-RateLimit-Remaining': String(state.remaining),
      'X-RateLimit-Reset': new Date(state.resetAtMs).toISOString().slice(0, 16) + 'Z',
      'RateLimit-Reason': 'jira-burst-based',
    };
  }

  protected override faultBody(status: number): unknown {
    const message = FAULT_MESSAGES[status] ?? (status >= 500 ? FAULT_MESSAGES[500] : `Request failed with status ${status}.`);
    return { errorMessages: [message], errors: {} };
  }

  protected override resetState(): void {
    // In place: handles and routes keep a reference to the state.
    Object.assign(this.state, createState(this.email, this.withheld));
  }
}

// Wording assumed from bodies seen in the wild; the spec documents the statuses only.
const FAULT_MESSAGES: Record<number, string> = {
  400: 'Bad request.',
  401: 'Client must be authenticated to access this resource.',
  403: 'You do not have permission to perform this operation.',
  404: 'Issue does not exist or you do not have permission to see it.',
  429: 'Rate limit exceeded.',
  500: 'Internal server error.',
};
