import { buildHaloEmulator } from './HaloEmulator';
import type { HaloEmulatorCredentials, HaloEmulatorHandle, HaloEmulatorOptions } from './types';

export type {
  HaloAgent,
  HaloEmulatorCredentials,
  HaloEmulatorHandle,
  HaloEmulatorOptions,
  HaloEmulatorState,
  HaloTicket,
} from './types';

/** Credentials the emulator accepts when started without any; printed by the hub's emulator CLI. */
export const DEFAULT_CREDENTIALS: HaloEmulatorCredentials = { client_id: 'hub-client', client_secret: 'hub-secret', tenant: 'demo' };

/**
 * Starts an in-memory Halo emulator: `POST /auth/token`, `GET /api/Tickets`, `GET /api/Agent`, plus the
 * shared fault-injection control under `/_emulator`. Point an integration's base_url at `url`.
 */
export async function startEmulator(options: HaloEmulatorOptions = {}): Promise<HaloEmulatorHandle> {
  const credentials: HaloEmulatorCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const { emulator, state } = buildHaloEmulator(credentials, options);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, state };
}
