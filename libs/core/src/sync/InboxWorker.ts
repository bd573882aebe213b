import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { InboundEvent } from '../contracts/InboundEvent';
import type { Logger } from '../contracts/Logger';
import type { VersionOrder } from '../contracts/RecordKind';
import { TOKENS } from '../di/tokens';
import { TransportError } from '../errors/HubError';
import { platformFailureOf, platformRateLimit, RateLimited } from './deliveryErrors';
import { InboundProcessor } from './InboundProcessor';
import { IntegrationRuntimes, takesInbound } from './IntegrationRuntimes';
import { claimHeads, INBOX, reschedule, type ClaimCapacity, type LaneWorker, type QueueRow } from './lanes';
import { withAuditScope } from '../http/auditScope';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { completeEvent, dropEchoedEvents, ECHO_GRACE_MS, failEvent, type InboundFailure } from './stores/InboxStore';
import { recordInboundError, recordRateLimit } from './stores/IntegrationStateStore';
import { findLinkForEvent } from './stores/LinkStore';
import { SyncMetrics } from './SyncMetrics';
import { backoffDelay, type SyncSettings } from './SyncSettings';
import { inSpan, recordAttributes, SPANS } from './tracing';

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
    private readonly kinds: RecordKinds,
    private readonly processor: InboundProcessor,
    private readonly metrics: SyncMetrics,
  ) {}

  claim(owner: string, capacity: ClaimCapacity): Promise<QueueRow[]> {
    return claimHeads(this.db, INBOX, owner, this.clock.now(), this.settings.leaseMs, capacity);
  }

  /**
   * Events about a version their link already holds are the platforms echoing the hub's own
   * writes: those of the whole group are removed in one statement, with no read of the platform;
   * the others are handled one by one.
   */
  handle(owner: string, rows: QueueRow[]): Array<Promise<void>> {
    const echoes = dropEchoedEvents(this.db, rows.map((row) => String(row.id)), owner).catch((err: unknown) => {
      // Each event is then read and compared by the processor, which also recognises echoes.
      this.logger.warn({ err: (err as Error).message }, 'could not drop echoed inbound events in one statement');
      return new Set<string>();
    });
    return rows.map(async (row) => {
      if ((await echoes).has(String(row.id))) {
        this.metrics.jobs.inc({ direction: 'inbound', integration_type: 'echo', result: 'skipped' });
        return;
      }
      await this.handleOne(owner, row);
    });
  }

  private async handleOne(owner: string, row: QueueRow): Promise<void> {
    const id = String(row.id);
    const integrationId = String(row.integration_id);
    const externalId = String(row.external_id);
    const kind = String(row.record_kind);
    const event = row.event as InboundEvent;
    const runtime = await this.runtimes.load(integrationId);
    const type = runtime?.type ?? 'unknown';
    const end = this.metrics.jobDuration.startTimer({ direction: 'inbound', integration_type: type });
    const attributes = { 'sync.integration_id': integrationId, 'sync.integration_type': type, 'sync.direction': 'inbound', 'sync.external_id': externalId, ...recordAttributes(kind, undefined) };
    await inSpan(SPANS.webhook, attributes, async (span) => {
      let result = 'skipped';
      let applied = false;
      try {
        const known = this.kinds.find(kind) && runtime?.kinds.includes(kind);
        if (runtime && known && runtime.enabled && takesInbound(runtime.directionFor(kind)) && event.type !== 'deleted') {
          const found = await findLinkForEvent(this.db, integrationId, kind, externalId, event.record.correlationId);
          if (found) span.setAttributes(recordAttributes(kind, found.link.entity_id));
          // While the hub writes the record, the event is most likely the echo of that write: once the
          // write's version is on the link, it is dropped without reading the record (dropEchoedEvents).
          const wait = () => reschedule(this.db, INBOX, id, owner, new Date(this.clock.now().getTime() + ECHO_GRACE_MS), Number(row.attempts), null);
          if (found?.writing && event.type !== 'commented') {
            await wait();
            result = 'waiting';
          } else {
            const record = await withAuditScope({ operation: 'read', entityType: kind, entityId: found?.link.entity_id, externalId }, async () => runtime.adapter.read?.(kind, externalId));
            if (!record) {
              // Deleted since, or hidden from the integration's account (another instance, an ACL).
              const message = `inbound: the platform has no ${kind} ${externalId} that the integration's account can read (deleted since, or hidden by its permissions)`;
              result = await this.keepFailed(owner, row, type, { reason: 'not_found', message, status: 404, attempts: Number(row.attempts) + 1 });
            } else {
              const outcome = await this.processor.apply(runtime, { ...record, kind }, span);
              if (outcome === 'writing') {
                // The write began after the check above; what was read may be half of it. Not an attempt.
                await wait();
                result = 'waiting';
              } else {
                result = outcome === 'unchanged' ? 'skipped' : 'success';
                applied = true;
              }
            }
          }
        }
        // The record's current state is applied: earlier failed events of it are superseded, in the same statement.
        if (result !== 'waiting' && result !== 'failed') await completeEvent(this.db, id, owner, applied ? { integrationId, kind, externalId } : undefined);
      } catch (err) {
        result = await this.failed(owner, row, type, err);
      } finally {
        end();
      }
      span.setAttribute('sync.result', result === 'failed' ? 'error' : result);
      this.metrics.jobs.inc({ direction: 'inbound', integration_type: type, result });
    });
  }

  private async failed(owner: string, row: QueueRow, type: string, err: unknown): Promise<string> {
    const message = (err as Error).message;
    const failure = platformFailureOf(err);
    const limited = err instanceof RateLimited ? { waitMs: err.waitMs } : platformRateLimit(failure);
    const integrationId = String(row.integration_id);
    const now = this.clock.now();
    if (limited) {
      // The integration's budget or the platform's rate limit: wait as long as asked, which is not a failed attempt.
      const at = new Date(now.getTime() + Math.max(limited.waitMs, backoffDelay(this.settings, 1)));
      await recordRateLimit(this.db, integrationId, at, message);
      await reschedule(this.db, INBOX, String(row.id), owner, at, Number(row.attempts), message);
      return 'retry';
    }
    const attempts = Number(row.attempts) + 1;
    const detail = `inbound: ${failure ? failure.vendorMessage || failure.error.message : message}`;
    if (failure?.error.action === 'fail') {
      // Refused for good (an ACL, a wrong instance): asking again changes nothing until someone acts.
      return this.keepFailed(owner, row, type, { reason: 'rejected', message: detail, status: failure.status, attempts });
    }
    if (attempts <= this.settings.maxRetries) {
      await recordInboundError(this.db, integrationId, detail, now);
      const at = new Date(now.getTime() + backoffDelay(this.settings, attempts, failure?.error.retryAfterMs));
      await reschedule(this.db, INBOX, String(row.id), owner, at, attempts, message);
      if (!(err instanceof TransportError)) this.logger.error({ integration_id: row.integration_id, external_id: row.external_id, err: message }, 'inbound event failed');
      return 'retry';
    }
    return this.keepFailed(owner, row, type, { reason: 'exhausted', message: `${detail} (gave up after ${attempts} attempts)`, status: failure?.status, attempts });
  }

  /** The event stays in the inbox as failed, counted and shown in sync-status, until retried, discarded or superseded. */
  private async keepFailed(owner: string, row: QueueRow, type: string, failure: InboundFailure): Promise<string> {
    const now = this.clock.now();
    // One transaction: sync-status never counts the failed event without showing its message.
    await this.db.transaction(async (tx) => {
      await failEvent(tx, String(row.id), owner, failure, now);
      await recordInboundError(tx, String(row.integration_id), failure.message, now);
    });
    this.metrics.inboundFailures.inc({ integration_type: type, reason: failure.reason });
    this.logger.error({ integration_id: row.integration_id, external_id: row.external_id, reason: failure.reason, err: failure.message }, 'inbound event failed; kept in the inbox');
    return 'failed';
  }
}
