import type { Clock } from './Clock';
import type { HttpClient } from './HttpClient';
import type { Logger } from './Logger';
import type { SyncDirection } from './SyncDirection';

/** What an adapter instance is built from: one integration's decrypted configuration and services. */
export interface AdapterContext<Credentials = Record<string, unknown>, Settings = Record<string, unknown>> {
  integration: {
    id: string;
    organizationId: string;
    name: string;
    baseUrl: string;
    direction: SyncDirection;
  };
  credentials: Credentials;
  settings: Settings;
  /** Decrypted webhook secret, when the integration has one. */
  webhookSecret?: string;
  http: HttpClient;
  logger: Logger;
  clock: Clock;
}
