import type { EmulatorHandle } from '@itsm-hub/core/emulator';
import type { HaloAction, HaloAgent, HaloTicket } from '../client/types';
import type { HaloCredentials } from '../config';
import type { HaloEmulator } from './HaloEmulator';

export type { HaloAction, HaloAgent, HaloTicket };

/** Credentials the emulated API application accepts; `auth_server` plays no part on the server side. */
export type HaloEmulatorCredentials = Omit<HaloCredentials, 'auth_server'>;

export interface HaloEmulatorOptions {
  port?: number;
  host?: string;
  /** Merged over DEFAULT_CREDENTIALS; `tenant: undefined` emulates an on-premises instance (no tenant check). */
  credentials?: Partial<HaloEmulatorCredentials>;
  /** Permissions granted to the API application (default `['all']`), e.g. `['read:tickets']`. */
  permissions?: string[];
  tokenLifetimeSeconds?: number;
  /** Replace the seeded records (given tickets start without actions). */
  tickets?: HaloTicket[];
  agents?: HaloAgent[];
  /** Time source for token expiry and last-update times, so tests can move time instead of sleeping. */
  now?: () => Date;
}

/** In-memory data of a running emulator, for tests to read and change. */
export interface HaloEmulatorState {
  tickets: HaloTicket[];
  agents: HaloAgent[];
  actions: HaloAction[];
  /** Invalidates every issued token, as a server restart or a revoked application would. */
  revokeTokens(): void;
}

export type HaloEmulatorHandle = EmulatorHandle & {
  credentials: HaloEmulatorCredentials;
  emulator: HaloEmulator;
  state: HaloEmulatorState;
};
