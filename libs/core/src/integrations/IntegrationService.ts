import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { AdapterRegistry, LoadedAdapter } from '../adapters/AdapterRegistry';
import { TOKENS, type HubSettings } from '../di/tokens';
import { ConflictError, NotFoundError, ValidationError } from '../errors/HubError';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { isUniqueViolation } from '../persistence/isUniqueViolation';
import type { SecretBox } from '../security/SecretBox';
import { parseInput } from '../validation/parseInput';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { SyncSignals } from '../sync/Wakeup';
import { genericSettingsSchema, splitSettings } from './genericSettings';
import type { CreateIntegrationInput, IntegrationView, UpdateIntegrationInput } from './integrationSchemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Integration configurations of one organization: validation, encryption and storage. */
@injectable()
export class IntegrationService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.SecretBox) private readonly secrets: SecretBox,
    @inject(TOKENS.AdapterRegistry) private readonly adapters: AdapterRegistry,
    @inject(TOKENS.HubSettings) private readonly settings: HubSettings,
    private readonly kinds: RecordKinds,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  async create(organizationId: string, input: CreateIntegrationInput): Promise<IntegrationConfiguration> {
    const adapter = this.adapters.resolve(input.type);
    const credentials = validateCredentials(adapter, input.credentials);
    const settings = validateSettings(adapter, { ...adapter.plugin.manifest.newIntegrationSettings, ...input.settings });
    this.checkKinds(adapter, input.kind_directions ?? {});
    const row: IntegrationConfiguration = Object.assign(new IntegrationConfiguration(), {
      id: randomUUID(),
      organizationId,
      type: adapter.type,
      name: input.name,
      baseUrl: input.base_url,
      credentialsEncrypted: this.secrets.sealJson(credentials),
      credentialKeys: Object.keys(credentials).sort(),
      direction: input.direction,
      kindDirections: input.kind_directions ?? {},
      enabled: input.enabled,
      webhookSecretEncrypted: input.webhook_secret ? this.secrets.seal(input.webhook_secret) : null,
      conflictStrategy: input.conflict_strategy,
      rateLimitPerMinute: input.rate_limit_per_minute ?? null,
      settings,
    });
    checkWriteSettings(adapter, row);
    return this.save(row, () => this.db.getRepository(IntegrationConfiguration).save(row));
  }

  async list(organizationId: string, filter: { type?: string } = {}): Promise<IntegrationConfiguration[]> {
    const type = filter.type ? (this.adapters.find(filter.type)?.type ?? filter.type) : undefined;
    return this.db.getRepository(IntegrationConfiguration).find({
      where: { organizationId, ...(type ? { type } : {}) },
      order: { name: 'ASC' },
    });
  }

  /** By id, or by name when no integration has that id. Another organization's ids are "not found". */
  async get(organizationId: string, idOrName: string): Promise<IntegrationConfiguration> {
    const repo = this.db.getRepository(IntegrationConfiguration);
    const found =
      (UUID.test(idOrName) ? await repo.findOneBy({ organizationId, id: idOrName }) : null) ??
      (await repo.findOneBy({ organizationId, name: idOrName }));
    if (!found) throw new NotFoundError('Integration', idOrName);
    return found;
  }

  async update(organizationId: string, idOrName: string, patch: UpdateIntegrationInput): Promise<IntegrationConfiguration> {
    const row = await this.get(organizationId, idOrName);
    const adapter = this.adapters.resolve(row.type);
    if (patch.type !== undefined && this.adapters.find(patch.type)?.type !== row.type) {
      throw new ValidationError('The type of an integration cannot be changed; create a new integration instead.', [
        { field: 'type', message: `cannot change from '${row.type}'` },
      ]);
    }
    if (patch.credentials) {
      const merged = mergeKeys(this.secrets.openJson<Record<string, unknown>>(row.credentialsEncrypted), patch.credentials);
      const credentials = validateCredentials(adapter, merged);
      row.credentialsEncrypted = this.secrets.sealJson(credentials);
      row.credentialKeys = Object.keys(credentials).sort();
    }
    if (patch.settings) row.settings = validateSettings(adapter, mergeKeys(row.settings, patch.settings));
    if (patch.webhook_secret !== undefined) {
      row.webhookSecretEncrypted = patch.webhook_secret === null ? null : this.secrets.seal(patch.webhook_secret);
    }
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.base_url !== undefined) row.baseUrl = patch.base_url;
    if (patch.direction !== undefined) row.direction = patch.direction;
    if (patch.kind_directions !== undefined) {
      this.checkKinds(adapter, patch.kind_directions);
      const merged = { ...row.kindDirections };
      for (const [kind, direction] of Object.entries(patch.kind_directions)) {
        if (direction === null) delete merged[kind];
        else merged[kind] = direction;
      }
      row.kindDirections = merged;
    }
    if (patch.enabled !== undefined) row.enabled = patch.enabled;
    if (patch.conflict_strategy !== undefined) row.conflictStrategy = patch.conflict_strategy;
    if (patch.rate_limit_per_minute !== undefined) row.rateLimitPerMinute = patch.rate_limit_per_minute;
    checkWriteSettings(adapter, row);
    const saved = await this.save(row, () => this.db.getRepository(IntegrationConfiguration).save(row));
    this.signals.config.notify(row.id);
    return saved;
  }

  async delete(organizationId: string, idOrName: string): Promise<void> {
    const row = await this.get(organizationId, idOrName);
    await this.db.getRepository(IntegrationConfiguration).delete({ id: row.id, organizationId });
    this.signals.config.notify(row.id);
  }

  /** Decrypted configuration, for building an adapter instance. Never returned to API callers. */
  decrypt(row: IntegrationConfiguration): { credentials: Record<string, unknown>; webhookSecret?: string } {
    return {
      credentials: this.secrets.openJson<Record<string, unknown>>(row.credentialsEncrypted),
      webhookSecret: row.webhookSecretEncrypted ? this.secrets.open(row.webhookSecretEncrypted) : undefined,
    };
  }

  /** A kind direction names a kind this hub keeps and the adapter declares. */
  private checkKinds(adapter: LoadedAdapter, directions: Record<string, unknown>): void {
    for (const kind of Object.keys(directions)) {
      if (!this.kinds.find(kind)) throw new ValidationError(`'${kind}' is not a record kind of this hub (${this.kinds.names.join(', ')}).`, [{ field: `kind_directions.${kind}`, message: 'unknown record kind' }]);
      if (!adapter.plugin.manifest.capabilities[kind]) throw new ValidationError(`The ${adapter.type} adapter does not sync '${kind}' records.`, [{ field: `kind_directions.${kind}`, message: 'kind not declared by the adapter' }]);
    }
  }

  toView(row: IntegrationConfiguration): IntegrationView {
    return {
      id: row.id,
      organization_id: row.organizationId,
      name: row.name,
      type: row.type,
      base_url: row.baseUrl,
      direction: row.direction,
      kind_directions: row.kindDirections as Record<string, IntegrationView['direction']>,
      enabled: row.enabled,
      conflict_strategy: row.conflictStrategy,
      rate_limit_per_minute: row.rateLimitPerMinute,
      settings: row.settings,
      credentials: Object.fromEntries(row.credentialKeys.map((key) => [key, '***' as const])),
      has_webhook_secret: row.webhookSecretEncrypted !== null,
      webhook_url: `${this.settings.publicUrl.replace(/\/+$/, '')}/api/v1/webhooks/${row.id}`,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }

  private async save(row: IntegrationConfiguration, write: () => Promise<unknown>): Promise<IntegrationConfiguration> {
    try {
      await write();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`An integration named '${row.name}' already exists in this organization.`, [{ field: 'name', message: 'already exists' }]);
      }
      throw err;
    }
    return this.db.getRepository(IntegrationConfiguration).findOneByOrFail({ id: row.id });
  }
}

function validateCredentials(adapter: LoadedAdapter, credentials: unknown): Record<string, unknown> {
  return parseInput(adapter.plugin.manifest.credentialSchema, credentials, `${adapter.type} credentials`, 'credentials') as Record<string, unknown>;
}

function validateSettings(adapter: LoadedAdapter, settings: Record<string, unknown>): Record<string, unknown> {
  const { generic, adapter: own } = splitSettings(settings);
  const engine = parseInput(genericSettingsSchema, generic, 'sync settings', 'settings');
  const validated = parseInput(adapter.plugin.manifest.settingsSchema, own, `${adapter.type} settings`, 'settings') as Record<string, unknown>;
  return { ...validated, ...engine };
}

function mergeKeys(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * An integration that sends records to the platform has the settings its adapter cannot write
 * without (`requiredToWrite`): without them its first write would go straight to the dead letter
 * queue, so saving it is refused, naming each missing field.
 */
function checkWriteSettings(adapter: LoadedAdapter, row: IntegrationConfiguration): void {
  const required = adapter.plugin.manifest.requiredToWrite ?? [];
  const writes = [row.direction, ...Object.values(row.kindDirections ?? {})].some((d) => d === 'outbound' || d === 'bidirectional');
  if (!writes || required.length === 0) return;
  const missing = required.filter((key) => row.settings[key] === undefined || row.settings[key] === null || row.settings[key] === '');
  if (missing.length === 0) return;
  throw new ValidationError(
    `A ${adapter.plugin.manifest.displayName} integration that sends records needs ${missing.join(' and ')} in its settings (or direction inbound).`,
    missing.map((key) => ({ field: `settings.${key}`, message: `required to write to ${adapter.plugin.manifest.displayName}` })),
  );
}
