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
  private readonly runtimes = new Map<string, { stamp: string; runtime: IntegrationRuntime }>();

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.AdapterRegistry) private readonly registry: AdapterRegistry,
    @inject(TOKENS.SyncSettings) private readonly sync: SyncSettings,
    private readonly connector: AdapterConnector,
  ) {}

  /**
   * The integration as it is now. A cached runtime is reused while one cheap query shows that
   * neither the integration nor its ownership rules changed (any process may change them).
   */
  async load(integrationId: string): Promise<IntegrationRuntime | undefined> {
    const [current] = await this.db.query(
      `SELECT i.updated_at::text || '|' || COALESCE((SELECT max(updated_at)::text || ':' || count(*) FROM field_ownership WHERE integration_id = i.id), '') AS stamp
         FROM integration_configurations i WHERE i.id = $1`,
      [integrationId],
    );
    if (!current) {
      this.runtimes.delete(integrationId);
      return undefined;
    }
    const cached = this.runtimes.get(integrationId);
    if (cached && cached.stamp === current.stamp) return cached.runtime;
    const runtime = await this.build(integrationId);
    if (runtime) this.runtimes.set(integrationId, { stamp: current.stamp, runtime });
    return runtime;
  }

  private async build(integrationId: string): Promise<IntegrationRuntime | undefined> {
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
    this.runtimes.clear();
  }
}
