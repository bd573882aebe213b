import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { NotFoundError } from '../errors/HubError';
import { SyncSignals } from './Wakeup';
import { hasDeadLetters, insertDeadLetter, listDeadLetters, takeDeadLetter, type DeadLetterEntry, type Failure } from './stores/DeadLetterStore';
import { recordError } from './stores/IntegrationStateStore';
import { saveLink, updateLink } from './stores/LinkStore';
import { removeJob, requeue, type OutboxEntry } from './stores/OutboxStore';
import { wakeWaiters } from './stores/ReferenceWaits';

export type { DeadLetterEntry } from './stores/DeadLetterStore';

/** Jobs that cannot be delivered: kept with the request, the vendor's error and the attempts. */
@injectable()
export class DeadLetterQueue {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  /** Moves a leased outbox job to the queue and marks its link, in one transaction. */
  async bury(entry: OutboxEntry, failure: Failure): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await insertDeadLetter(tx, entry, failure, now);
      await removeJob(tx, entry.id);
      await saveLink(tx, keyOf(entry), { sync_status: 'dead_letter', last_error: failure.message, retry_count: failure.attempts }, now);
      await this.markError(tx, entry.integration_id, failure.message);
    });
    // Jobs waiting for this record learn that it will not arrive, and say so in their own entry.
    // After the commit: two records buried together must not lock each other's jobs in one go.
    if (entry.job === 'record') await wakeWaiters(this.db, entry.integration_id, entry.record_kind, entry.record_id);
  }

  async markError(tx: EntityManager | DataSource, integrationId: string, message: string): Promise<void> {
    await recordError(tx, integrationId, message, this.clock.now());
  }

  list(integrationId: string, page: { limit: number; offset: number }): Promise<{ items: DeadLetterEntry[]; total: number }> {
    return listDeadLetters(this.db, integrationId, page);
  }

  /** Puts the job back at the end of its lane with a fresh retry budget. */
  async retry(integrationId: string, entryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const entry = await takeDeadLetter(tx, integrationId, entryId);
      if (!entry) throw new NotFoundError('Dead letter entry', entryId);
      await requeue(tx, entry, this.clock.now());
      await saveLink(tx, keyOf(entry), { sync_status: 'pending' }, this.clock.now());
    });
    this.signals.outbox.notify();
  }

  /**
   * Drops the job. The link then says the change was discarded (state `error`) rather than
   * `dead_letter` with an empty queue, until the next successful sync of the record, unless
   * another job of the record is still dead-lettered.
   */
  async discard(integrationId: string, entryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const entry = await takeDeadLetter(tx, integrationId, entryId);
      if (!entry) throw new NotFoundError('Dead letter entry', entryId);
      if (await hasDeadLetters(tx, integrationId, entry.record_kind, entry.record_id)) return;
      await updateLink(tx, keyOf(entry), { sync_status: 'error', last_error: DISCARDED }, this.clock.now(), 'dead_letter');
    });
  }
}

/** The link's error after its dead-lettered change was discarded. */
export const DISCARDED = 'change discarded';

const keyOf = (entry: Pick<OutboxEntry, 'organization_id' | 'record_kind' | 'record_id' | 'integration_id'>) => ({
  organizationId: entry.organization_id,
  kind: entry.record_kind,
  recordId: entry.record_id,
  integrationId: entry.integration_id,
});
