import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Adapter } from '../contracts/Adapter';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { ConflictStrategy, FieldOwner, SyncDirection } from '../contracts/SyncDirection';
import type { AdapterRegistry } from '../adapters/AdapterRegistry';
import { TOKENS } from '../di/tokens';
import { AdapterConnector } from '../integrations/AdapterConnector';
import { genericSettingsSchema, splitSettings, type GenericSettings } from '../integrations/genericSettings';
import { FieldOwnership } from '../persistence/entities/FieldOwnership';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import type { SyncSettings } from './SyncSettings';

/** Everything a sync job needs about one integration, loaded fresh per job except the adapter. */
export interface IntegrationRuntime {
  row: IntegrationConfiguration;
  id: string;
  organizationId: string;
  type: string;
  direction: SyncDirection;
  enabled: boolean;
  strategy: ConflictStrategy;
  adapter: Adapter;
  mappings: FieldMapping[];
  owners: Map<string, { owner: FieldOwner; priority: number }>;
  settings: GenericSettings;
  rateLimitPerMinute: number;
}

export const sendsOutbound = (d: SyncDirection) => d === 'outbound' || d === 'bidirectional';
export const takesInbound = (d: SyncDirection) => d === 'inbound' || d === 'bidirectional';

/** Loads integrations for sync jobs; adapters are kept per integration until its row changes. */
@injectable()
export class IntegrationRuntimes {
  private readonly adapters = new Map<string, { stamp: number; adapter: Adapter }>();

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.AdapterRegistry) private readonly registry: AdapterRegistry,
    @inject(TOKENS.SyncSettings) private readonly sync: SyncSettings,
    private readonly connector: AdapterConnector,
  ) {}

  async load(integrationId: string): Promise<IntegrationRuntime | undefined> {
    const row = await this.db.getRepository(IntegrationConfiguration).findOneBy({ id: integrationId });
    if (!row) return undefined;
    const rules = await this.db.getRepository(FieldOwnership).findBy({ integrationId });
    return {
      row,
      id: row.id,
      organizationId: row.organizationId,
      type: row.type,
      direction: row.direction,
      enabled: row.enabled,
      strategy: row.conflictStrategy,
      adapter: this.adapterFor(row),
      mappings: this.mappingsOf(row),
      owners: new Map(rules.map((r) => [r.fieldName, { owner: r.owner, priority: r.priority }])),
      settings: genericSettingsSchema.parse(splitSettings(row.settings).generic),
      rateLimitPerMinute: row.rateLimitPerMinute ?? this.sync.defaultRateLimitPerMinute,
    };
  }

  /** The integration's stored incident mappings, else its adapter's defaults for its settings. */
  mappingsOf(row: IntegrationConfiguration): FieldMapping[] {
    return (
      row.fieldMappings ??
      this.adapterFor(row).defaultMappings?.('incident') ??
      this.registry.resolve(row.type).plugin.manifest.defaultMappings.incident ??
      []
    );
  }

  private adapterFor(row: IntegrationConfiguration): Adapter {
    const stamp = row.updatedAt.getTime();
    const cached = this.adapters.get(row.id);
    if (cached && cached.stamp === stamp) return cached.adapter;
    void cached?.adapter.close?.();
    const adapter = this.connector.connect(row);
    this.adapters.set(row.id, { stamp, adapter });
    return adapter;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.adapter.close?.()));
    this.adapters.clear();
  }
}
