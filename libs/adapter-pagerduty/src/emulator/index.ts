import { EmulatorApp } from '@itsm-hub/core';
import type { PagerDutyCredentials } from '../schemas';
import { installMiddleware, installRoutes } from './routes';
import { seedStore } from './seed';
import type { PagerDutyEmulatorOptions, RunningPagerDutyEmulator } from './types';

export type * from './types';
export { pagerDutyError } from './routes';

/** The API key the emulator accepts when none is given. */
export const DEFAULT_CREDENTIALS: PagerDutyCredentials = { token: 'pd-api-token' };

/**
 * Starts an in-memory PagerDuty REST API v2: token auth, the documented error bodies and
 * rate-limit headers, and a seeded account (service PSVC001, user oncall@example.com).
 */
export async function startEmulator(options: PagerDutyEmulatorOptions = {}): Promise<RunningPagerDutyEmulator> {
  const credentials: PagerDutyCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const emulator = new EmulatorApp();
  const store = seedStore(new Date());
  installMiddleware(emulator, { token: credentials.token, rateLimitPerMinute: options.rateLimitPerMinute ?? 960, now: () => Date.now() });
  installRoutes(emulator, store);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, store };
}
