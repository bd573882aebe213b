import path from 'node:path';
import { ConfigurationError, DEFAULT_SYNC_SETTINGS, issuesToFieldErrors, parseDuration, z, type SyncSettings } from '@itsm-hub/core';

const booleanString = z.enum(['true', 'false']).transform((v) => v === 'true');

const duration = z.string().refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 500ms, 5s or 2m').transform((v) => parseDuration(v) as number);

const EnvSchema = z.object({
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HUB_HOST: z.string().min(1).default('0.0.0.0'),
  HUB_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  HUB_DATA_DIR: z.string().min(1).default('./.hub-data'),
  HUB_ENCRYPTION_KEY: z.string().min(1).optional(),
  HUB_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  HUB_ADAPTERS: z.string().optional(),
  HUB_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  HUB_AUDIT_PAYLOADS: z.enum(['true', 'false']).default('false').describe('Keep redacted request and response bodies (cut to 4 KB) in the sync log.'),
  HUB_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().max(3_650).default(30),
  HUB_RUN_RETENTION_DAYS: z.coerce.number().int().positive().max(3_650).default(90),
  HUB_ALERT_RETENTION_DAYS: z.coerce.number().int().positive().max(3_650).default(90),
  HUB_DB_POOL_SIZE: z.coerce.number().int().positive().max(100).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HUB_PRINT_ADMIN_TOKEN: booleanString.default(true),
  HUB_CONSOLE: booleanString.default(true).describe('Serve the web console at /.'),
  INCIDENTS_SYNC_ENABLED: booleanString.default(DEFAULT_SYNC_SETTINGS.enabled),
  INCIDENTS_SYNC_CONFLICT_WINDOW: duration.default(DEFAULT_SYNC_SETTINGS.conflictWindowMs),
  INCIDENTS_SYNC_MAX_RETRIES: z.coerce.number().int().min(0).max(100).default(DEFAULT_SYNC_SETTINGS.maxRetries),
  INCIDENTS_SYNC_RATE_LIMIT: z.coerce.number().int().positive().default(DEFAULT_SYNC_SETTINGS.defaultRateLimitPerMinute),
  INCIDENTS_SYNC_BACKOFF_MULTIPLIER: z.coerce.number().min(1).max(10).default(DEFAULT_SYNC_SETTINGS.backoffMultiplier),
  INCIDENTS_SYNC_BACKOFF_BASE: duration.default(DEFAULT_SYNC_SETTINGS.backoffBaseMs),
  INCIDENTS_SYNC_TRACE: booleanString.default(DEFAULT_SYNC_SETTINGS.trace),
  INCIDENTS_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(DEFAULT_SYNC_SETTINGS.concurrency),
  INCIDENTS_SYNC_LEASE: duration.default(DEFAULT_SYNC_SETTINGS.leaseMs),
});

export interface HubConfig {
  port: number;
  host: string;
  publicUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  encryptionKey?: string;
  adminToken?: string;
  extraAdapters: string[];
  httpTimeoutMs: number;
  auditPayloads: boolean;
  auditRetentionMs: number;
  runRetentionMs: number;
  alertRetentionMs: number;
  dbPoolSize: number;
  logLevel: string;
  printAdminToken: boolean;
  console: boolean;
  sync: SyncSettings;
}

/** Reads and validates the environment; an invalid variable stops startup with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const errors = issuesToFieldErrors(parsed.error.issues);
    throw new ConfigurationError(`Invalid environment: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  }
  const e = parsed.data;
  return {
    port: e.HUB_PORT,
    host: e.HUB_HOST,
    publicUrl: e.HUB_PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.HUB_DATA_DIR),
    encryptionKey: e.HUB_ENCRYPTION_KEY,
    adminToken: e.HUB_ADMIN_TOKEN,
    extraAdapters: (e.HUB_ADAPTERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    httpTimeoutMs: e.HUB_HTTP_TIMEOUT_MS,
    auditPayloads: e.HUB_AUDIT_PAYLOADS === 'true',
    auditRetentionMs: e.HUB_AUDIT_RETENTION_DAYS * 24 * 3_600_000,
    runRetentionMs: e.HUB_RUN_RETENTION_DAYS * 24 * 3_600_000,
    alertRetentionMs: e.HUB_ALERT_RETENTION_DAYS * 24 * 3_600_000,
    dbPoolSize: e.HUB_DB_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    printAdminToken: e.HUB_PRINT_ADMIN_TOKEN,
    console: e.HUB_CONSOLE,
    sync: {
      ...DEFAULT_SYNC_SETTINGS,
      enabled: e.INCIDENTS_SYNC_ENABLED,
      conflictWindowMs: e.INCIDENTS_SYNC_CONFLICT_WINDOW,
      maxRetries: e.INCIDENTS_SYNC_MAX_RETRIES,
      defaultRateLimitPerMinute: e.INCIDENTS_SYNC_RATE_LIMIT,
      backoffMultiplier: e.INCIDENTS_SYNC_BACKOFF_MULTIPLIER,
      backoffBaseMs: e.INCIDENTS_SYNC_BACKOFF_BASE,
      trace: e.INCIDENTS_SYNC_TRACE,
      concurrency: e.INCIDENTS_SYNC_CONCURRENCY,
      leaseMs: e.INCIDENTS_SYNC_LEASE,
    },
  };
}
