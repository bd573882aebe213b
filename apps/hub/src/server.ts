import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AdapterRegistry, createLogger, DatabaseAuditSink, SyncEngine, SyncRunService, TokenService, type HubLogger } from '@itsm-hub/core';
import { openStorage } from './bootstrap/openStorage';
import type { HubConfig } from './config/HubConfig';
import { createContainer } from './container';
import { createApp } from './http/createApp';
import { consoleRoot } from './http/consoleStatic';

export interface RunningHub {
  url: string;
  port: number;
  adapters: AdapterRegistry;
  /** Stops accepting requests, finishes open ones, closes the database. */
  close(): Promise<void>;
}

/** Hosts whose dependencies are scanned for adapter packages: the workspace root and this app. */
export const HOST_PACKAGE_JSONS = [path.resolve(__dirname, '../../../package.json'), path.resolve(__dirname, '../package.json')];

export async function startHub(config: HubConfig, logger: HubLogger = createLogger({ level: config.logLevel })): Promise<RunningHub> {
  const adapters = AdapterRegistry.discover({ hostPackageJsons: HOST_PACKAGE_JSONS, extraModules: config.extraAdapters, logger });
  const storage = await openStorage(config, logger);
  try {
    const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    const container = createContainer({
      dataSource: storage.dataSource,
      secrets: storage.secrets,
      adapters,
      logger,
      clock: { now: () => new Date() },
      settings: { publicUrl, httpTimeoutMs: config.httpTimeoutMs, auditPayloads: config.auditPayloads, auditRetentionMs: config.auditRetentionMs, runRetentionMs: config.runRetentionMs, alertRetentionMs: config.alertRetentionMs },
      // Only one process can open the embedded database (its data-directory lock), which proves
      // that every lease this process does not hold belongs to a process that is gone.
      sync: { ...config.sync, liveness: storage.embedded ? 'exclusive' : 'session_lock' },
    });
    await bootstrapAdminToken(container.resolve(TokenService), config, logger);
    const served = config.console ? consoleRoot() : undefined;
    if (config.console && !served) logger.warn('the web console is not built (npm run build builds it): / answers 404');
    const app = createApp(container, { consoleRoot: served });
    const server: Server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    const engine = container.resolve(SyncEngine);
    await engine.start();
    logger.info({ url, adapters: adapters.types, embedded_database: storage.embedded, sync_enabled: config.sync.enabled }, `ITSM Hub listening on ${url}`);
    return {
      url,
      port,
      adapters,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await container.resolve(SyncRunService).stop();
        await engine.stop();
        await container.resolve(DatabaseAuditSink).flush();
        await storage.close();
      },
    };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

async function bootstrapAdminToken(tokens: TokenService, config: HubConfig, logger: HubLogger): Promise<void> {
  const result = await tokens.bootstrapAdmin(config.adminToken);
  if (!result.token) {
    if (result.created) logger.info({}, 'registered HUB_ADMIN_TOKEN as the admin token of organization default');
    return;
  }
  const file = path.join(config.dataDir, 'admin-token');
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, result.token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.warn({ token_file: file }, `created the admin token of organization default; it is written to ${file} and shown once below`);
  if (config.printAdminToken) process.stdout.write(`\nAdmin token (shown once): ${result.token}\n\n`);
}
