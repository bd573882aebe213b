import type { PagerDutyCredentials } from '../config';
import { PagerDutyEmulator } from './PagerDutyEmulator';
import { installMiddleware, installRoutes } from './routes';
import type { PagerDutyEmulatorOptions, RunningPagerDutyEmulator } from './types';
import { installWriteRoutes } from './writeRoutes';

export type * from './types';
export { pagerDutyError } from './errors';
export { PagerDutyEmulator } from './PagerDutyEmulator';

/** The API key the emulator accepts when none is given. */
export const DEFAULT_CREDENTIALS: PagerDutyCredentials = { token: 'pd-api-token' };

/**
 * Starts an in-memory PagerDuty REST API v2: token auth, the documented error bodies and
 * rate-limit headers, incidents with notes and log entries, v3 webhooks on every change, and a
 * seeded account (service PSVC001, user oncall@example.com, priorities P1..P5).
 */
export async function startEmulator(options: PagerDutyEmulatorOptions = {}): Promise<RunningPagerDutyEmulator> {
  const credentials: PagerDutyCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const emulator = new PagerDutyEmulator(options.now ? { now: options.now } : {});
  installMiddleware(emulator, { token: credentials.token, rateLimitPerMinute: options.rateLimitPerMinute ?? 960 });
  installRoutes(emulator);
  installWriteRoutes(emulator);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, store: emulator.store };
}
