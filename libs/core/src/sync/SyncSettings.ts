/** Sync engine tuning, read from the seed's INCIDENTS_SYNC_* variables by the hub. */
export interface SyncSettings {
  /** INCIDENTS_SYNC_ENABLED: false keeps the outbox and inbox filling but sends nothing. */
  enabled: boolean;
  /** INCIDENTS_SYNC_MAX_RETRIES: transient failures retried this many times before the dead letter queue. */
  maxRetries: number;
  /** INCIDENTS_SYNC_BACKOFF_MULTIPLIER: delay of retry n = base × multiplier^(n-1), with jitter. */
  backoffMultiplier: number;
  /** INCIDENTS_SYNC_BACKOFF_BASE: the first retry's delay. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** INCIDENTS_SYNC_CONFLICT_WINDOW: changes this close together count as simultaneous. */
  conflictWindowMs: number;
  /** INCIDENTS_SYNC_RATE_LIMIT: writes per minute for integrations without their own limit. */
  defaultRateLimitPerMinute: number;
  /** INCIDENTS_SYNC_TRACE: a span event per field decision. */
  trace: boolean;
  /**
   * INCIDENTS_SYNC_LEASE: how long a claimed job stays leased; a crashed worker's jobs come back
   * after it. Keep it well above HUB_HTTP_TIMEOUT_MS so a slow call is never run twice.
   */
  leaseMs: number;
  /** How often idle loops look for work that another process queued. */
  idlePollMs: number;
  /**
   * INCIDENTS_SYNC_CONCURRENCY: jobs in flight per integration and loop (different records; one
   * record's jobs stay in order), so adding an integration never starves the others.
   */
  concurrency: number;
  /**
   * How a process proves that the holder of a lease is gone (see LeaseRecovery): `session_lock` on
   * PostgreSQL, `exclusive` on the embedded database, which only one process can open.
   */
  liveness: 'session_lock' | 'exclusive';
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  enabled: true,
  maxRetries: 5,
  backoffMultiplier: 2,
  backoffBaseMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  conflictWindowMs: 5_000,
  defaultRateLimitPerMinute: 100,
  trace: false,
  leaseMs: 60_000,
  idlePollMs: 250,
  concurrency: 8,
  liveness: 'session_lock',
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `2m`, `1h` -> milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2]]) : undefined;
}

/** Delay before retry `attempt` (1-based): exponential with ±25% jitter, at least what the platform asked. */
export function backoffDelay(settings: SyncSettings, attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  const exponential = settings.backoffBaseMs * settings.backoffMultiplier ** Math.max(0, attempt - 1);
  const jittered = Math.min(settings.backoffMaxMs, exponential) * (0.75 + random() * 0.5);
  return Math.round(Math.max(jittered, retryAfterMs));
}
