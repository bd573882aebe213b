import { parseInput } from '@itsm-hub/core';
import { haloCredentialsSchema } from '../config';
import { installActionRoutes } from './actions';
import { HaloEmulator } from './HaloEmulator';
import { installTicketRoutes } from './tickets';
import type { HaloEmulatorCredentials, HaloEmulatorHandle, HaloEmulatorOptions } from './types';

export type {
  HaloAction,
  HaloAgent,
  HaloEmulatorCredentials,
  HaloEmulatorHandle,
  HaloEmulatorOptions,
  HaloEmulatorState,
  HaloTicket,
} from './types';
export { HaloEmulator } from './HaloEmulator';

/** Credentials the emulator accepts when started without any; printed by the hub's emulator CLI. */
export const DEFAULT_CREDENTIALS: HaloEmulatorCredentials = { client_id: 'hub-client', client_secret: 'hub-secret', tenant: 'demo' };

/**
 * Starts an in-memory Halo: `POST /auth/token`; tickets (`GET /api/Tickets` with paging and filters,
 * `GET /api/Tickets/{id}`, `POST /api/Tickets` upserts); actions (`GET|POST /api/Actions`); `GET /api/Agent`;
 * Basic-authenticated webhooks on every change; and the shared control API under `/_emulator`.
 * Point an integration's base_url at `url`. Throws, naming the field, for credentials the hub would refuse.
 */
export async function startEmulator(options: HaloEmulatorOptions = {}): Promise<HaloEmulatorHandle> {
  const credentials = acceptedCredentials(options.credentials);
  const emulator = new HaloEmulator(credentials, options);
  installTicketRoutes(emulator);
  installActionRoutes(emulator);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, state: emulator.state };
}

/**
 * The defaults with the given credentials over them, checked by the adapter's own schema: an emulator
 * accepting what no integration could be configured with would only fail later, at the first token call.
 */
function acceptedCredentials(given: HaloEmulatorOptions['credentials']): HaloEmulatorCredentials {
  return parseInput(haloCredentialsSchema, { ...DEFAULT_CREDENTIALS, ...given }, 'Halo emulator credentials', 'credentials');
}
