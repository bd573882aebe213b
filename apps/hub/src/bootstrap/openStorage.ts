import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, EMBEDDED_POOL_SIZE, openDatabase, SecretBox, startEmbeddedPostgres, type HubLogger } from '@itsm-hub/core';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '../config/HubConfig';
import { lockDataDir } from './dataDirLock';

export interface Storage {
  dataSource: DataSource;
  secrets: SecretBox;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database (PostgreSQL at DATABASE_URL, else embedded PGlite under HUB_DATA_DIR),
 * applies migrations, and loads the encryption key.
 */
export async function openStorage(config: HubConfig, logger: HubLogger): Promise<Storage> {
  const secrets = loadSecretBox(config, logger);
  if (config.databaseUrl) {
    const dataSource = await openDatabase({ url: config.databaseUrl, poolSize: config.dbPoolSize });
    logger.info({ database: redactUrl(config.databaseUrl) }, 'connected to PostgreSQL, migrations applied');
    return { dataSource, secrets, embedded: false, close: () => dataSource.destroy() };
  }
  const started = Date.now();
  const unlock = lockDataDir(config.dataDir);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pgdata'), maxConnections: 4 }).catch((err: unknown) => {
    unlock();
    throw err;
  });
  try {
    const dataSource = await openDatabase({ url: embedded.url, poolSize: EMBEDDED_POOL_SIZE });
    logger.info({ data_dir: config.dataDir, ms: Date.now() - started }, 'embedded PostgreSQL (PGlite) ready, migrations applied');
    return {
      dataSource,
      secrets,
      embedded: true,
      close: async () => {
        await dataSource.destroy();
        await embedded.close();
        unlock();
      },
    };
  } catch (err) {
    await embedded.close();
    unlock();
    throw err;
  }
}

function loadSecretBox(config: HubConfig, logger: HubLogger): SecretBox {
  if (config.encryptionKey) return SecretBox.fromBase64(config.encryptionKey);
  if (config.databaseUrl) {
    throw new ConfigurationError(
      'HUB_ENCRYPTION_KEY is required when DATABASE_URL is set: credentials are encrypted with it. Generate one with: openssl rand -base64 32',
      [{ field: 'HUB_ENCRYPTION_KEY', message: 'required with DATABASE_URL' }],
    );
  }
  const keyFile = path.join(config.dataDir, 'encryption-key');
  if (existsSync(keyFile)) return SecretBox.fromBase64(readFileSync(keyFile, 'utf8'));
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(keyFile, SecretBox.generateKey() + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  logger.warn({ key_file: keyFile }, `generated an encryption key in ${keyFile}; back it up, or set HUB_ENCRYPTION_KEY: without it stored credentials cannot be decrypted`);
  return SecretBox.fromBase64(readFileSync(keyFile, 'utf8'));
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://***';
  }
}
