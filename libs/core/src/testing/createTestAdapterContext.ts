import type { AdapterContext } from '../contracts/AdapterContext';
import type { Clock } from '../contracts/Clock';
import type { Logger } from '../contracts/Logger';
import type { SyncDirection } from '../contracts/SyncDirection';
import { createHttpClient } from '../http/createHttpClient';

/** A logger that keeps lines in memory, so tests can assert on what an adapter logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  debug(fields: Record<string, unknown>, message: string) { this.lines.push({ level: 'debug', fields, message }); }
  info(fields: Record<string, unknown>, message: string) { this.lines.push({ level: 'info', fields, message }); }
  warn(fields: Record<string, unknown>, message: string) { this.lines.push({ level: 'warn', fields, message }); }
  error(fields: Record<string, unknown>, message: string) { this.lines.push({ level: 'error', fields, message }); }
}

/**
 * Builds the context an adapter gets from the hub, for adapter tests against an emulator: the
 * real HTTP client (retries kept short), an in-memory logger and an optional fixed clock.
 */
export function createTestAdapterContext<C = Record<string, unknown>, S = Record<string, unknown>>(options: {
  baseUrl: string;
  credentials: C;
  settings?: S;
  webhookSecret?: string;
  clock?: Clock;
  timeoutMs?: number;
  direction?: SyncDirection;
}): AdapterContext<C, S> & { logger: MemoryLogger } {
  const clock = options.clock ?? { now: () => new Date() };
  const logger = new MemoryLogger();
  return {
    integration: { id: 'test-integration', organizationId: 'test-org', name: 'test', baseUrl: options.baseUrl, direction: options.direction ?? 'bidirectional' },
    credentials: options.credentials,
    settings: options.settings ?? ({} as S),
    webhookSecret: options.webhookSecret,
    http: createHttpClient({
      baseUrl: options.baseUrl,
      organizationId: 'test-org',
      integrationId: 'test-integration',
      clock,
      logger,
      timeoutMs: options.timeoutMs ?? 5_000,
      retries: 2,
      retryBaseDelayMs: 1,
    }),
    logger,
    clock,
  };
}
