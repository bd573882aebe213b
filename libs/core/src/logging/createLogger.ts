import pino from 'pino';
import type { Logger } from '../contracts/Logger';

/**
 * Keys whose values never reach a log line, wherever they appear. pino's redaction works on
 * paths, so the common nesting levels are listed explicitly.
 */
const SECRET_KEYS = [
  'password', 'client_secret', 'clientSecret', 'api_key', 'apiKey', 'token', 'access_token', 'refresh_token',
  'webhook_secret', 'webhookSecret', 'secret', 'authorization', 'Authorization', 'credentials', 'cookie',
];
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.*.${k}`),
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

export type HubLogger = Logger & pino.Logger;

export function createLogger(options: LoggerOptions = {}): HubLogger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name ?? 'itsm-hub',
      redact: { paths: REDACT_PATHS, censor: '***' },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  ) as HubLogger;
}
