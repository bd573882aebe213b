import { container as root, type DependencyContainer } from 'tsyringe';
import { registerHubServices } from '../di/hubServices';
import type { DataSource } from 'typeorm';
import { AdapterRegistry } from '../adapters/AdapterRegistry';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { SecretBox } from '../security/SecretBox';
import type { SyncSettings } from '../sync/SyncSettings';
import { MemoryLogger } from './createTestAdapterContext';
import type { MemoryPlatform } from './MemoryPlatform';

/**
 * A container with the sync engine wired to one memory platform, for engine tests: the services
 * that hold state (signals, metrics, runtimes, kinds) are shared within it.
 */
export function createSyncContainer(deps: { db: DataSource; platform: MemoryPlatform; clock: Clock; settings: SyncSettings; secrets?: SecretBox }): DependencyContainer {
  const registry = new AdapterRegistry();
  registry.register(deps.platform.plugin, 'memory-platform');
  const di = root.createChildContainer();
  di.registerInstance(TOKENS.DataSource, deps.db);
  di.registerInstance(TOKENS.SecretBox, deps.secrets ?? new SecretBox(Buffer.alloc(32, 3)));
  di.registerInstance(TOKENS.AdapterRegistry, registry);
  di.registerInstance(TOKENS.Logger, new MemoryLogger());
  di.registerInstance(TOKENS.Clock, deps.clock);
  di.registerInstance(TOKENS.HubSettings, { publicUrl: 'https://hub.test', httpTimeoutMs: 1_000 });
  di.registerInstance(TOKENS.SyncSettings, deps.settings);
  registerHubServices(di);
  return di;
}
