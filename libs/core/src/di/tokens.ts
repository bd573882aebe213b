/** Injection tokens shared by core and the hub; adapters never see the container. */
export const TOKENS = {
  DataSource: Symbol.for('itsm-hub.DataSource'),
  SecretBox: Symbol.for('itsm-hub.SecretBox'),
  AdapterRegistry: Symbol.for('itsm-hub.AdapterRegistry'),
  Logger: Symbol.for('itsm-hub.Logger'),
  Clock: Symbol.for('itsm-hub.Clock'),
  HubSettings: Symbol.for('itsm-hub.HubSettings'),
  SyncSettings: Symbol.for('itsm-hub.SyncSettings'),
} as const;

/** Process-wide settings services need (subset of the hub's env config). */
export interface HubSettings {
  /** Base of webhook URLs shown to users (HUB_PUBLIC_URL). */
  publicUrl: string;
  /** Timeout of calls to platforms, in milliseconds. */
  httpTimeoutMs: number;
  /** HUB_AUDIT_PAYLOADS: keep redacted request and response bodies (cut to 4 KB) in the sync log. */
  auditPayloads?: boolean;
  /** HUB_AUDIT_RETENTION_DAYS, in milliseconds: older sync log rows are removed (default 30 days). */
  auditRetentionMs?: number;
  /** HUB_RUN_RETENTION_DAYS, in milliseconds: older runs (reconciliation and other long jobs) are removed with their items (default 90 days). */
  runRetentionMs?: number;
  /** HUB_ALERT_RETENTION_DAYS, in milliseconds: resolved, dismissed, unmapped and suppressed alerts last seen before are removed (default 90 days). */
  alertRetentionMs?: number;
}

export const DEFAULT_AUDIT_RETENTION_MS = 30 * 24 * 3_600_000;
export const DEFAULT_RUN_RETENTION_MS = 90 * 24 * 3_600_000;
export const DEFAULT_ALERT_RETENTION_MS = 90 * 24 * 3_600_000;
