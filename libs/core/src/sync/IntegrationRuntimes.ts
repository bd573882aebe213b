import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Adapter } from '../contracts/Adapter';
import { batching, supports, type AdapterManifest, type Operation } from '../contracts/AdapterManifest';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { RecordKind, VersionOrder } from '../contracts/RecordKind';
import type { ConflictStrategy, FieldOwner, SyncDirection } from '../contracts/SyncDirection';
import type { AdapterRegistry } from '../adapters/AdapterRegistry';
import { TOKENS } from '../di/tokens';
import { AdapterConnector } from '../integrations/AdapterConnector';
import { genericSettingsSchema, splitSettings, type GenericSettings } from '../integrations/genericSettings';
import { FieldOwnership } from '../persistence/entities/FieldOwnership';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { RecordKinds } from '../records/kinds/RecordKinds';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals } from './Wakeup';
import { sql } from './stores/db';

export type OwnershipRules = Map<string, { owner: FieldOwner; priority: number }>;

/** Everything a sync job needs about one integration, loaded fresh per job except the adapter. */
export interface IntegrationRuntime {
  row: IntegrationConfiguration;
  id: string;
  organizationId: string;
  type: string;
  /** The integration's own direction: the incidents' direction, and the default of other kinds. */
  direction: SyncDirection;
  enabled: boolean;
  strategy: ConflictStrategy;
  adapter: Adapter;
  manifest: AdapterManifest;
  settings: GenericSettings;
  rateLimitPerMinute: number;
  /** Kinds the adapter declares that this hub knows. */
  kinds: RecordKind[];
  directionFor(kind: RecordKind): SyncDirection;
  mappingsFor(kind: RecordKind): FieldMapping[];
  ownersFor(kind: RecordKind): OwnershipRules;
  versionsFor(kind: RecordKind): VersionOrder;
  supports(kind: RecordKind, operation: Operation): boolean;
  /** Operations of one kind and type per `write` call, and the rate-limit units such a call costs. */
  batching(kind: RecordKind, operation: Operation): { size: number; cost: (operations: number) => number };
}

export const sendsOutbound = (d: SyncDirection) => d === 'outbound' || d === 'bidirectional';
export const takesInbound = (d: SyncDirection) => d === 'inbound' || d === 'bidirectional';

/**
 * How long a loaded runtime is trusted without asking the database. Changes made through this
 * process apply at once (they are signalled); changes made through another hub process apply
 * within this time.
 */
export const RUNTIME_FRESH_MS = 1_000;

/** Loads integrations for sync jobs; adapters are kept per integration until its row changes. */
@injectable()
export class IntegrationRuntimes {
  private readonly adapters = new Map<string, { stamp: number; adapter: Adapter }>();
  private readonly runtimes = new Map<string, { stamp: string; checkedAt: number; runtime: IntegrationRuntime }>();

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.AdapterRegistry) private readonly registry: AdapterRegistry,
    @inject(TOKENS.SyncSettings) private readonly sync: SyncSettings,
    private readonly connector: AdapterConnector,
    private readonly recordKinds: RecordKinds,
    @inject(SyncSignals) signals: SyncSignals,
  ) {
    signals.config.subscribe((integrationId) => this.runtimes.delete(integrationId));
  }

  /**
   * The integration as it is now. A cached runtime is reused for RUNTIME_FRESH_MS, then while one
   * cheap query shows that neither the integration nor its ownership rules changed.
   */
  async load(integrationId: string): Promise<IntegrationRuntime | undefined> {
    const known = this.runtimes.get(integrationId);
    const now = performance.now();
    if (known && now - known.checkedAt < RUNTIME_FRESH_MS) return known.runtime;
    const [current] = await sql(this.db, 
      `SELECT i.updated_at::text || '|' || COALESCE((SELECT max(updated_at)::text || ':' || count(*) FROM field_ownership WHERE integration_id = i.id), '') AS stamp
         FROM integration_configurations i WHERE i.id = $1`,
      [integrationId],
    );
    if (!current) {
      this.runtimes.delete(integrationId);
      return undefined;
    }
    if (known && known.stamp === current.stamp) {
      known.checkedAt = now;
      return known.runtime;
    }
    const runtime = await this.build(integrationId);
    if (runtime) this.runtimes.set(integrationId, { stamp: current.stamp, checkedAt: now, runtime });
    return runtime;
  }

  private async build(integrationId: string): Promise<IntegrationRuntime | undefined> {
    const row = await this.db.getRepository(IntegrationConfiguration).findOneBy({ id: integrationId });
    if (!row) return undefined;
    const rules = await this.db.getRepository(FieldOwnership).findBy({ integrationId });
    const owners = new Map<RecordKind, OwnershipRules>();
    for (const rule of rules) {
      if (!owners.has(rule.recordKind)) owners.set(rule.recordKind, new Map());
      owners.get(rule.recordKind)!.set(rule.fieldName, { owner: rule.owner, priority: rule.priority });
    }
    const manifest = this.registry.resolve(row.type).plugin.manifest;
    const mappings = new Map<RecordKind, FieldMapping[]>();
    return {
      row,
      id: row.id,
      organizationId: row.organizationId,
      type: row.type,
      direction: row.direction,
      enabled: row.enabled,
      strategy: row.conflictStrategy,
      adapter: this.adapterFor(row),
      manifest,
      settings: genericSettingsSchema.parse(splitSettings(row.settings).generic),
      rateLimitPerMinute: row.rateLimitPerMinute ?? this.sync.defaultRateLimitPerMinute,
      kinds: Object.keys(manifest.capabilities).filter((kind) => this.recordKinds.find(kind)),
      directionFor: (kind) => directionOf(row, kind),
      mappingsFor: (kind) => {
        if (!mappings.has(kind)) mappings.set(kind, this.mappingsOf(row, kind));
        return mappings.get(kind)!;
      },
      ownersFor: (kind) => owners.get(kind) ?? new Map(),
      versionsFor: (kind) => manifest.capabilities[kind]?.versions ?? 'opaque',
      supports: (kind, operation) => supports(manifest, kind, operation),
      batching: (kind, operation) => batching(manifest, kind, operation),
    };
  }

  /** The integration's stored mappings of a kind, else its adapter's defaults for its settings. */
  mappingsOf(row: IntegrationConfiguration, kind: RecordKind): FieldMapping[] {
    return (
      row.fieldMappings?.[kind] ??
      this.adapterFor(row).defaultMappings?.(kind) ??
      this.registry.resolve(row.type).plugin.manifest.defaultMappings[kind] ??
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

/** A kind's direction on an integration: its own when set, else the integration's. */
export function directionOf(row: Pick<IntegrationConfiguration, 'direction' | 'kindDirections'>, kind: RecordKind): SyncDirection {
  return row.kindDirections?.[kind] ?? row.direction;
}
