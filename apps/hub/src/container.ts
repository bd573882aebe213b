import { AdapterRegistry, registerHubServices, TOKENS, type Clock, type HubLogger, type HubSettings, type SecretBox, type SyncSettings } from '@itsm-hub/core';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';

/** One child container per hub instance, so several hubs (tests) never share singletons. */
export function createContainer(deps: {
  dataSource: DataSource;
  secrets: SecretBox;
  adapters: AdapterRegistry;
  logger: HubLogger;
  clock: Clock;
  settings: HubSettings;
  sync: SyncSettings;
}): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.registerInstance(TOKENS.DataSource, deps.dataSource);
  container.registerInstance(TOKENS.SecretBox, deps.secrets);
  container.registerInstance(TOKENS.AdapterRegistry, deps.adapters);
  container.registerInstance(TOKENS.Logger, deps.logger);
  container.registerInstance(TOKENS.Clock, deps.clock);
  container.registerInstance(TOKENS.HubSettings, deps.settings);
  container.registerInstance(TOKENS.SyncSettings, deps.sync);
  registerHubServices(container);
  return container;
}
