import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { InboundEvent } from '../contracts/InboundEvent';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { TransportError } from '../errors/HubError';
import { DeadLetterQueue } from './DeadLetterQueue';
import { InboundProcessor } from './InboundProcessor';
import { IntegrationRuntimes, takesInbound } from './IntegrationRuntimes';
import { claimHeads, INBOX, reschedule, type LaneWorker } from './lanes';
import { findLinkByExternalId } from './links';
import { returningRows } from '../persistence/returningRows';
import { SyncMetrics } from './SyncMetrics';
import { backoffDelay, type SyncSettings } from './SyncSettings';
import { inSpan, SPANS } from './tracing';

/**
 * Handles queued webhook and poll events one record lane at a time: an event whose version the
 * link already holds is an echo and costs nothing; otherwise the record is read and applied.
 */
@injectable()
export class InboxWorker implements LaneWorker {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    private readonly runtimes: IntegrationRuntimes,
    private readonly processor: InboundProcessor,
    private readonly deadLetters: DeadLetterQueue,
    private readonly metrics: SyncMetrics,
  ) {}

  claim(owner: string, limit: number): Promise<Record<string, unknown>[]> {
    return claimHeads(this.db, INBOX, owner, this.clock.now(), this.settings.leaseMs, limit);
  }

  async handle(owner: string, row: Record<string, unknown>): Promise<void> {
    const id = String(row.id);
    const integrationId = String(row.integration_id);
    const externalId = String(row.external_id);
    const event = row.event as InboundEvent;
    if (await this.droppedAsEcho(owner, id, integrationId, externalId, event)) {
      this.metrics.jobs.inc({ direction: 'inbound', integration_type: 'echo', result: 'skipped' });
      return;
    }
    const runtime = await this.runtimes.load(integrationId);
    const type = runtime?.type ?? 'unknown';
    const end = this.metrics.jobDuration.startTimer({ direction: 'inbound', integration_type: type });
    const attributes = { 'sync.integration_id': integrationId, 'sync.integration_type': type, 'sync.direction': 'inbound', 'sync.external_id': externalId };
    await inSpan(SPANS.webhook, attributes, async (span) => {
      let result = 'skipped';
      try {
        if (runtime && runtime.enabled && takesInbound(runtime.direction) && event.type !== 'deleted') {
          const link = await findLinkByExternalId(this.db, integrationId, externalId);
          if (link) span.setAttribute('sync.incident_id', link.incident_id);
          const record = await runtime.adapter.read?.('incident', externalId);
          if (record) result = (await this.processor.apply(runtime, record, span)) === 'unchanged' ? 'skipped' : 'success';
        }
        await this.db.query(`DELETE FROM sync_inbox WHERE id = $1 AND lease_owner = $2`, [id, owner]);
      } catch (err) {
        result = await this.failed(owner, row, err);
      } finally {
        end();
      }
      span.setAttribute('sync.result', result === 'dropped' ? 'error' : result);
      this.metrics.jobs.inc({ direction: 'inbound', integration_type: type, result });
    });
  }

  /**
   * An event whose version the link already holds (or a newer one) is the platform echoing our own
   * write: it is removed in the same statement that recognises it, with no read of the platform.
   */
  private async droppedAsEcho(owner: string, id: string, integrationId: string, externalId: string, event: InboundEvent): Promise<boolean> {
    const version = event.record.version;
    if (event.type === 'commented' || version === undefined) return false;
    const removed = returningRows(await this.db.query(
      `DELETE FROM sync_inbox q WHERE q.id = $1 AND q.lease_owner = $2 AND EXISTS (
         SELECT 1 FROM incident_external_links l WHERE l.integration_id = $3 AND l.external_id = $4
            AND (l.last_synced_version = $5 OR (l.last_synced_version ~ '^[0-9]{1,15}$' AND $5 ~ '^[0-9]{1,15}$' AND l.last_synced_version::bigint > $5::bigint)))
       RETURNING q.id`,
      [id, owner, integrationId, externalId, version],
    ));
    return removed.length > 0;
  }

  private async failed(owner: string, row: Record<string, unknown>, err: unknown): Promise<string> {
    const attempts = Number(row.attempts) + 1;
    const message = (err as Error).message;
    await this.deadLetters.markError(this.db, String(row.integration_id), `inbound: ${message}`);
    if (attempts <= this.settings.maxRetries) {
      const at = new Date(this.clock.now().getTime() + backoffDelay(this.settings, attempts));
      await reschedule(this.db, INBOX, String(row.id), owner, at, attempts, message);
      if (!(err instanceof TransportError)) this.logger.error({ integration_id: row.integration_id, external_id: row.external_id, err: message }, 'inbound event failed');
      return 'retry';
    }
    // The platform keeps the change: the next poll or webhook for the record brings it again.
    this.logger.error({ integration_id: row.integration_id, external_id: row.external_id, attempts, err: message }, 'inbound event given up');
    await this.db.query(`DELETE FROM sync_inbox WHERE id = $1 AND lease_owner = $2`, [row.id, owner]);
    return 'dropped';
  }
}
