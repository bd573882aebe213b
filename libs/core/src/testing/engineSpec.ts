import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { IntegrationService } from '../integrations/IntegrationService';
import { CreateIntegrationSchema } from '../integrations/integrationSchemas';
import { openDatabase } from '../persistence/createDataSource';
import { Organization } from '../persistence/entities/Organization';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { InboxWorker } from '../sync/InboxWorker';
import { runBatch } from '../sync/lanes';
import { OutboundWorker } from '../sync/OutboundWorker';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../sync/SyncSettings';
import { createTestDatabase, type TestDatabase } from './createTestDatabase';
import { MemoryPlatform, type MemoryKind } from './MemoryPlatform';
import { createSyncContainer } from './syncContainer';

export const MEMORY_WEBHOOK_SECRET = 'memory-webhook-secret';

/**
 * The engine of one spec file on its own database with a memory platform: call `setUp` in
 * `beforeAll`, `tearDown` in `afterAll` and `reset` in `beforeEach`. The clock is now plus
 * `offsetMs`, which `reset` puts back to 0.
 */
export class EngineSpec {
  readonly org = randomUUID();
  readonly settings: SyncSettings;
  readonly platform: MemoryPlatform;
  readonly clock = { now: () => new Date(Date.now() + this.offsetMs) };
  offsetMs = 0;
  private database?: TestDatabase;
  private dataSource?: DataSource;
  private container?: DependencyContainer;

  constructor(private readonly options: { settings?: Partial<SyncSettings>; memoryKinds?: Record<string, MemoryKind>; kinds?: RecordKindDefinition[] } = {}) {
    this.settings = { ...DEFAULT_SYNC_SETTINGS, ...options.settings };
    this.platform = new MemoryPlatform(options.memoryKinds);
  }

  get db(): DataSource {
    if (!this.dataSource) throw new Error('EngineSpec.setUp() has not run');
    return this.dataSource;
  }

  get di(): DependencyContainer {
    if (!this.container) throw new Error('EngineSpec.setUp() has not run');
    return this.container;
  }

  async setUp(): Promise<void> {
    this.database = await createTestDatabase();
    this.dataSource = await openDatabase({ url: this.database.url, poolSize: this.database.poolSize });
    await this.dataSource.getRepository(Organization).insert({ id: this.org, name: `engine-spec-${this.org.slice(0, 8)}` });
    this.container = createSyncContainer({ db: this.dataSource, platform: this.platform, clock: this.clock, settings: this.settings });
    for (const kind of this.options.kinds ?? []) this.container.resolve(RecordKinds).register(kind);
  }

  async tearDown(): Promise<void> {
    await this.dataSource?.destroy();
    await this.database?.drop();
  }

  /** Every record, integration and rate-limit slot gone; the platform empty; the clock at now. */
  async reset(): Promise<void> {
    await this.db.query(`DELETE FROM hub_records; DELETE FROM incidents; DELETE FROM integration_configurations; DELETE FROM sync_rate_events`);
    const p = this.platform;
    p.records.clear();
    for (const log of [p.writes, p.calls, p.failures, p.callFailures, p.readFailures, p.beforeAnswer]) log.length = 0;
    p.people = undefined;
    this.offsetMs = 0;
  }

  /** A memory-platform integration of the spec's organization; returns its id. */
  async integration(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const input = { name, type: 'memory', base_url: 'http://memory.test', credentials: { token: 't' }, direction: 'bidirectional', webhook_secret: MEMORY_WEBHOOK_SECRET, ...extra };
    return (await this.di.resolve(IntegrationService).create(this.org, CreateIntegrationSchema.parse(input))).id;
  }

  /** One outbound claim round with everything claimable taken at once; returns how many jobs it took. */
  round(): Promise<number> {
    return runBatch(this.di.resolve(OutboundWorker), 'spec', this.settings.concurrency);
  }

  async drainOut(): Promise<void> {
    while ((await this.round()) > 0);
  }

  async drainIn(): Promise<void> {
    while ((await runBatch(this.di.resolve(InboxWorker), 'spec', this.settings.concurrency)) > 0);
  }
}
