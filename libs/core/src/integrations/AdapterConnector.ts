import { inject, injectable } from 'tsyringe';
import type { Adapter } from '../contracts/Adapter';
import type { Clock } from '../contracts/Clock';
import type { ConnectionCheck } from '../contracts/ConnectionCheck';
import type { Logger } from '../contracts/Logger';
import type { AdapterRegistry } from '../adapters/AdapterRegistry';
import { TOKENS, type HubSettings } from '../di/tokens';
import { DatabaseAuditSink } from '../http/DatabaseAuditSink';
import { createHttpClient } from '../http/createHttpClient';
import type { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { splitSettings } from './genericSettings';
import { RateLimiter } from '../sync/RateLimiter';
import type { SyncSettings } from '../sync/SyncSettings';
import { IntegrationService } from './IntegrationService';

/** Builds a live adapter for one stored integration: decrypted config, audited and rate-limited HTTP client, logger, clock. */
@injectable()
export class AdapterConnector {
  constructor(
    @inject(TOKENS.AdapterRegistry) private readonly adapters: AdapterRegistry,
    @inject(TOKENS.Logger) private readonly logger: Logger & { child?: (b: Record<string, unknown>) => Logger },
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.HubSettings) private readonly settings: HubSettings,
    @inject(TOKENS.SyncSettings) private readonly sync: SyncSettings,
    private readonly integrations: IntegrationService,
    private readonly audit: DatabaseAuditSink,
    private readonly limiter: RateLimiter,
  ) {}

  connect(row: IntegrationConfiguration): Adapter {
    const loaded = this.adapters.resolve(row.type);
    const { credentials, webhookSecret } = this.integrations.decrypt(row);
    const logger = this.logger.child?.({ integration_id: row.id, integration_type: row.type }) ?? this.logger;
    // The client retries as the adapter classifies, and the adapter is built around the client.
    let adapter: Adapter | undefined;
    adapter = loaded.plugin.create({
      integration: { id: row.id, organizationId: row.organizationId, name: row.name, baseUrl: row.baseUrl, direction: row.direction },
      credentials,
      settings: splitSettings(row.settings).adapter,
      webhookSecret,
      http: createHttpClient({
        baseUrl: row.baseUrl,
        organizationId: row.organizationId,
        integrationId: row.id,
        audit: this.audit,
        logger,
        clock: this.clock,
        timeoutMs: this.settings.httpTimeoutMs,
        capturePayloads: this.settings.auditPayloads === true,
        userAgent: `itsm-hub ${loaded.type}/${loaded.version}`,
        classify: (failure) => adapter?.classifyError(failure),
        // The platform counts every call against the integration's limit, not only record writes.
        beforeCall: () => this.limiter.spendCall(row.id, row.rateLimitPerMinute ?? this.sync.defaultRateLimitPerMinute, this.clock.now()),
      }),
      logger,
      clock: this.clock,
    });
    return adapter;
  }

  /** Runs the adapter's connection checks; an adapter that throws becomes one failed check. */
  async test(row: IntegrationConfiguration): Promise<{ success: boolean; checks: ConnectionCheck[] }> {
    const adapter = this.connect(row);
    let checks: ConnectionCheck[];
    try {
      checks = await adapter.testConnection();
    } catch (err) {
      this.logger.error({ integration_id: row.id, err: String(err) }, 'adapter testConnection threw');
      checks = [{ name: 'adapter', passed: false, message: `The adapter failed unexpectedly: ${(err as Error).message}` }];
    } finally {
      await adapter.close?.();
    }
    // The user reads the calls the checks made right after this answer.
    await this.audit.flush();
    return { success: checks.length > 0 && checks.every((c) => c.passed), checks };
  }
}
