import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { SyncSignals } from './Wakeup';
import { discardFailedEvent, inboxStateOf, listInbox, retryFailedEvent, type InboxEntry, type InboxState } from './stores/InboxStore';

export type { InboxEntry, InboxState } from './stores/InboxStore';

/** The inbound events of an integration: those waiting their turn, and those kept as failed for a person to look at. */
@injectable()
export class InboxService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  list(integrationId: string, query: { state?: InboxState; limit: number; offset: number }): Promise<{ items: InboxEntry[]; total: number }> {
    return listInbox(this.db, integrationId, query);
  }

  /** Handles a failed event again, with a fresh retry budget: it reads the record's current state. */
  async retry(integrationId: string, entryId: string): Promise<void> {
    checkId(entryId);
    if (!(await retryFailedEvent(this.db, integrationId, entryId, this.clock.now()))) await this.refuse(integrationId, entryId);
    this.signals.inbox.notify();
  }

  async discard(integrationId: string, entryId: string): Promise<void> {
    checkId(entryId);
    if (!(await discardFailedEvent(this.db, integrationId, entryId))) await this.refuse(integrationId, entryId);
  }

  private async refuse(integrationId: string, entryId: string): Promise<never> {
    const state = await inboxStateOf(this.db, integrationId, entryId);
    if (state === undefined) throw new NotFoundError('Inbox entry', entryId);
    throw new ConflictError(`Inbox entry ${entryId} is ${state}, not failed: the hub handles it on its own`);
  }
}

/** Entry ids are bigserial numbers; anything else names no entry (and must not reach the query as a bigint). */
function checkId(entryId: string): void {
  if (!/^[1-9]\d{0,17}$/.test(entryId)) throw new NotFoundError('Inbox entry', entryId);
}
