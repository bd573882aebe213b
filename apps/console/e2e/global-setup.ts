import { startEmulator } from '@itsm-hub/adapter-servicenow/emulator';
import { createLogger, DEFAULT_SYNC_SETTINGS, SecretBox } from '@itsm-hub/core';
// Not @itsm-hub/core/testing: that one brings Jest's globals along.
import { createTestDatabase } from '@itsm-hub/core/testing/database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The hub as it ships (its build), in this process: the console under test is the one it serves.
import { startHub } from '../../hub/dist/server';
import { ADMIN_TOKEN } from './hub';

/**
 * One hub with the ServiceNow emulator for the whole run: on PostgreSQL when DATABASE_URL names a
 * server (CI), else on its embedded database in a temporary directory.
 */
export default async function globalSetup() {
  const snow = await startEmulator();
  const db = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'console-e2e-'));
  const hub = await startHub({
    port: 0, host: '127.0.0.1', publicUrl: undefined, databaseUrl: db?.url, dataDir, encryptionKey: SecretBox.generateKey(), adminToken: ADMIN_TOKEN,
    extraAdapters: [], httpTimeoutMs: 5_000, auditPayloads: false, auditRetentionMs: 30 * 86_400_000, runRetentionMs: 90 * 86_400_000,
    alertRetentionMs: 90 * 86_400_000, dbPoolSize: db?.poolSize ?? 10, logLevel: 'warn', printAdminToken: false, console: true,
    sync: { ...DEFAULT_SYNC_SETTINGS, enabled: true, backoffBaseMs: 20, backoffMaxMs: 500, idlePollMs: 50 },
  }, createLogger({ level: 'warn' }));
  process.env.HUB_URL = hub.url;
  process.env.SNOW_URL = snow.url;
  return async () => {
    await hub.close();
    await snow.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
