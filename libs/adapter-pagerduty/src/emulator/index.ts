import { parseInput } from '@itsm-hub/core';
import { pagerDutyCredentialsSchema, type PagerDutyCredentials } from '../config';
import { DEFAULT_PAGINATION_CAP } from './http';
import { PagerDutyEmulator } from './PagerDutyEmulator';
import { installMiddleware, installRoutes } from './routes';
import type { PagerDutyEmulatorOptions, RunningPagerDutyEmulator } from './types';
import { installWriteRoutes } from './writeRoutes';

export type * from './types';
export { pagerDutyError } from './errors';
export { DEFAULT_PAGINATION_CAP } from './http';
export { PagerDutyEmulator } from './PagerDutyEmulator';

/** The API key the emulator accepts when none is given. */
export const DEFAULT_CREDENTIALS: PagerDutyCredentials = { token: 'pd-api-token' };

/**
 * Starts an in-memory PagerDuty REST API v2: token auth, the documented error bodies and
 * rate-limit headers, incidents with notes and log entries, v3 webhooks on every change, and a
 * seeded account (service PSVC001, user oncall@example.com, priorities P1..P5). Throws, naming the
 * field, for credentials the hub would refuse.
 */
export async function startEmulator(options: PagerDutyEmulatorOptions = {}): Promise<RunningPagerDutyEmulator> {
  const credentials = acceptedCredentials(options.credentials);
  const emulator = new PagerDutyEmulator(options.now ? { now: options.now } : {});
  installMiddleware(emulator, { token: credentials.token, rateLimitPerMinute: options.rateLimitPerMinute ?? 960 });
  installRoutes(emulator, { paginationCap: options.paginationCap ?? DEFAULT_PAGINATION_CAP });
  installWriteRoutes(emulator);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, store: emulator.store };
}

/**
 * The defaults with the given credentials over them, checked by the adapter's own schema: an emulator
 * accepting a key no integration could be configured with would only fail later, on every call. The
 * parsed value is kept, so the emulator accepts the key exactly as the hub stores and sends it.
 */
function acceptedCredentials(given: PagerDutyEmulatorOptions['credentials']): PagerDutyCredentials {
  return parseInput(pagerDutyCredentialsSchema, { ...DEFAULT_CREDENTIALS, ...given }, 'PagerDuty emulator credentials', 'credentials');
}
