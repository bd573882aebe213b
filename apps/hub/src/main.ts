import 'reflect-metadata';
import { createLogger, isHubError } from '@itsm-hub/core';
import { loadConfig } from './config/HubConfig';
import { startTracing } from './observability/tracing';
import { startHub } from './server';

async function main(): Promise<void> {
  const bootLogger = createLogger();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    bootLogger.fatal({}, (err as Error).message);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  const tracing = startTracing();
  let hub;
  try {
    hub = await startHub(config, logger);
  } catch (err) {
    logger.fatal(isHubError(err) ? {} : { err }, `the hub could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing open requests');
    await hub.close();
    await tracing?.shutdown();
    logger.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
