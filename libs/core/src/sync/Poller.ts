import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { InboundEvent } from '../contracts/InboundEvent';
import type { Logger } from '../contracts/Logger';
import type { RecordKind } from '../contracts/RecordKind';
import { TOKENS } from '../di/tokens';
import { withAuditScope } from '../http/auditScope';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { IntegrationRuntimes, takesInbound, type IntegrationRuntime } from './IntegrationRuntimes';
import { claimDueCursors, ensureCursors, releaseCursor, saveCursor } from './stores/CursorStore';
import { queuePolledRecords } from './stores/InboxStore';
import type { SyncSettings } from './SyncSettings';
import { platformFailureOf, platformRateLimit, RateLimited } from './deliveryErrors';
import { SyncSignals } from './Wakeup';

const MAX_PAGES_PER_RUN = 20;
const PAGE_SIZE = 100;

/**
 * Polls integrations with `settings.poll_interval_seconds` > 0 for records changed since their
 * cursor, one cursor per (integration, kind) the adapter lists, and queues them like webhooks.
 * Each page and the cursor after it commit together, so a crash re-reads at most one page; the
 * adapter's listing overlaps the cursor and the inbox skips versions already synced.
 */
@injectable()
export class Poller {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly runtimes: IntegrationRuntimes,
    private readonly kinds: RecordKinds,
  ) {}

  async runOnce(owner: string): Promise<number> {
    const now = this.clock.now();
    await ensureCursors(this.db, await this.polledPairs(), now);
    const due = await claimDueCursors(this.db, owner, now, this.settings.leaseMs, 4);
    for (const row of due) await this.poll(owner, row.integration_id, row.record_kind, row.cursor);
    return due.length;
  }

  /** Every (integration, kind) that polls: an interval set, and the adapter lists the kind. */
  private async polledPairs(): Promise<Array<{ integrationId: string; kind: RecordKind }>> {
    const rows = await this.db.getRepository(IntegrationConfiguration).createQueryBuilder('i')
      .select(['i.id', 'i.type'])
      .where(`COALESCE((i.settings->>'poll_interval_seconds')::int, 0) > 0`)
      .getMany();
    const pairs: Array<{ integrationId: string; kind: RecordKind }> = [];
    for (const row of rows) {
      const runtime = await this.runtimes.load(row.id);
      for (const kind of runtime?.kinds ?? []) if (runtime?.supports(kind, 'list')) pairs.push({ integrationId: row.id, kind });
    }
    return pairs;
  }

  private async poll(owner: string, integrationId: string, kind: RecordKind, startCursor: string | null): Promise<void> {
    const runtime = await this.runtimes.load(integrationId);
    const interval = runtime?.settings.poll_interval_seconds ?? 0;
    const key = { integrationId, kind, owner };
    let error: string | null = null;
    let waitMs = 0;
    try {
      if (runtime && this.kinds.find(kind) && runtime.enabled && interval > 0 && takesInbound(runtime.directionFor(kind))) await this.pages(runtime, key, startCursor);
    } catch (err) {
      error = (err as Error).message;
      // A spent budget or the platform's rate limit: the next poll waits at least as long as asked.
      waitMs = err instanceof RateLimited ? err.waitMs : platformRateLimit(platformFailureOf(err))?.waitMs ?? 0;
      this.logger.warn({ integration_id: integrationId, record_kind: kind, err: error }, 'poll failed');
    }
    const next = new Date(this.clock.now().getTime() + Math.max(Math.max(interval, 1) * 1000, waitMs));
    await releaseCursor(this.db, key, next, this.clock.now(), error);
  }

  private async pages(runtime: IntegrationRuntime, key: { integrationId: string; kind: RecordKind; owner: string }, startCursor: string | null): Promise<void> {
    const { list } = runtime.adapter;
    if (!list) return;
    let cursor = startCursor;
    let page: string | undefined;
    for (let n = 0; n < MAX_PAGES_PER_RUN; n += 1) {
      const result = await withAuditScope({ operation: 'list', entityType: key.kind }, () => list.call(runtime.adapter, { kind: key.kind, cursor: startCursor ?? undefined, page, pageSize: PAGE_SIZE }));
      cursor = result.cursor ?? cursor;
      const events: InboundEvent[] = result.records.map((record) => ({ type: 'updated', record: { ...record, kind: key.kind, comments: undefined } }));
      await this.db.transaction(async (tx) => {
        await queuePolledRecords(tx, { organizationId: runtime.organizationId, integrationId: runtime.id, versions: runtime.versionsFor(key.kind) }, events, this.clock.now());
        await saveCursor(tx, key, cursor);
      });
      if (events.length > 0) this.signals.inbox.notify();
      page = result.nextPage;
      if (!page) break;
    }
  }
}
