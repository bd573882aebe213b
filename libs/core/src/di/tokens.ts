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
}
