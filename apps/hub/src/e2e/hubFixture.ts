import { createLogger, DEFAULT_SYNC_SETTINGS, SecretBox, type HubLogger, type SyncSettings } from '@itsm-hub/core';
import { createTestDatabase, type TestDatabase } from '@itsm-hub/core/testing';
import { Writable } from 'node:stream';
import type { HubConfig } from '../config/HubConfig';
import { startHub, type RunningHub } from '../server';

export const ADMIN_TOKEN = 'ihub_e2e-admin-token-0123456789abcdef';

/** Captures every log line the hub writes, so tests can prove secrets never reach the log. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  get text() {
    return this.lines.join('');
  }
}

export interface TestHub {
  hub: RunningHub;
  db: TestDatabase;
  logs: LogCapture;
  config: HubConfig;
  api<T = any>(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: T; type: string }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The real hub, in process, on a private database of the test server, with the real adapters. */
export async function startTestHub(overrides: Partial<Omit<HubConfig, 'sync'>> & { sync?: Partial<SyncSettings> } = {}): Promise<TestHub> {
  const db = await createTestDatabase();
  const logs = new LogCapture();
  const logger: HubLogger = createLogger({ level: 'info', destination: logs });
  const config: HubConfig = {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'https://hub.example.test',
    databaseUrl: db.url,
    dataDir: '/nonexistent-hub-data-dir',
    encryptionKey: SecretBox.generateKey(),
    adminToken: ADMIN_TOKEN,
    extraAdapters: [],
    httpTimeoutMs: 5_000,
    auditPayloads: false,
    auditRetentionMs: 30 * 24 * 3_600_000,
    runRetentionMs: 90 * 24 * 3_600_000,
    alertRetentionMs: 90 * 24 * 3_600_000,
    dbPoolSize: db.poolSize,
    logLevel: 'info',
    printAdminToken: false,
    console: true,
    ...overrides,
    // Short retry delays and idle polls keep end-to-end runs fast; tests wait on state, never on time.
    sync: { ...DEFAULT_SYNC_SETTINGS, backoffBaseMs: 20, backoffMaxMs: 500, idlePollMs: 50, ...overrides.sync },
  };
  let hub = await startHub(config, logger);
  const fixture: TestHub = {
    get hub() {
      return hub;
    },
    db,
    logs,
    config,
    async api(method, path, body, token = ADMIN_TOKEN, headers = {}) {
      const response = await fetch(hub.url + path, {
        method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed as any, type: response.headers.get('content-type') ?? '' };
    },
    async restart() {
      await hub.close();
      hub = await startHub(config, logger);
    },
    async stop() {
      await hub.close();
      await db.drop();
    },
  };
  return fixture;
}
