import type { EmulatorHandle } from '@itsm-hub/core/emulator';
import { parseInput } from '@itsm-hub/core';
import { credentialSchema, type ServiceNowCredentials } from '../config';
import { ServiceNowEmulator, type ServiceNowEmulatorOptions } from './ServiceNowEmulator';

export { ServiceNowEmulator, type ServiceNowEmulatorOptions } from './ServiceNowEmulator';
export { TokenStore, TOKEN_ERROR } from './oauth';
export { ADMIN_USER_ID, CALLER_USER_ID, LEGACY_GROUP_ID, SERVICE_DESK_GROUP_ID, type Row } from './seed';
export type { WebhookPayload } from '../webhooks';
export type { ServiceNowCredentials } from '../config';

/** Credentials the emulator accepts when none are given: all four, so every auth mode works. */
export const DEFAULT_CREDENTIALS: ServiceNowCredentials = {
  username: 'admin',
  password: 'admin',
  client_id: 'hub-client',
  client_secret: 'hub-secret',
};

export type StartEmulatorOptions = {
  port?: number;
  host?: string;
  credentials?: Partial<ServiceNowCredentials>;
} & Omit<ServiceNowEmulatorOptions, 'credentials'>;

export type ServiceNowEmulatorHandle = EmulatorHandle & { credentials: ServiceNowCredentials; emulator: ServiceNowEmulator };

/**
 * Starts an in-memory ServiceNow instance that accepts exactly the given (or default) credentials.
 * Throws, naming the field, for credentials the hub would refuse: an emulator accepting what no
 * integration could be configured with would only fail later, when the hub refuses them.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<ServiceNowEmulatorHandle> {
  const { port, host, credentials: overrides, ...rest } = options;
  const credentials = parseInput(credentialSchema, { ...DEFAULT_CREDENTIALS, ...overrides }, 'ServiceNow emulator credentials', 'credentials') as ServiceNowCredentials;
  const emulator = new ServiceNowEmulator({ ...rest, credentials });
  const handle = await emulator.listen(port ?? 0, host ?? '127.0.0.1');
  return { ...handle, credentials, emulator };
}
