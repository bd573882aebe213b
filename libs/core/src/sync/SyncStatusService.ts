import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { countPendingConflicts } from './stores/ConflictStore';
import { lastPolledAt } from './stores/CursorStore';
import { queueDepths } from './stores/QueueDepths';
import { iso } from './stores/db';
import { LINK_STATES, linkStateCounts, type LinkState } from './stores/LinkStore';

export interface SyncStatus {
  integration_id: string;
  links: Record<LinkState, number>;
  outbox_depth: number;
  inbox_depth: number;
  dead_letters: number;
  pending_conflicts: number;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  last_polled_at: string | null;
}

/** The numbers `GET /integrations/{id}/sync-status` reports, over every kind. */
@injectable()
export class SyncStatusService {
  constructor(@inject(TOKENS.DataSource) private readonly db: DataSource) {}

  async of(integrationId: string): Promise<SyncStatus> {
    const links = Object.fromEntries(LINK_STATES.map((s) => [s, 0])) as Record<LinkState, number>;
    for (const row of await linkStateCounts(this.db, integrationId)) links[row.sync_status] = row.n;
    const depths = await queueDepths(this.db, integrationId);
    const [state] = await this.db.query(`SELECT * FROM sync_integration_state WHERE integration_id = $1`, [integrationId]);
    return {
      integration_id: integrationId,
      links,
      outbox_depth: depths.outbox,
      inbox_depth: depths.inbox,
      dead_letters: depths.dead_letter,
      pending_conflicts: await countPendingConflicts(this.db, integrationId),
      last_success_at: iso(state?.last_success_at),
      last_error_at: iso(state?.last_error_at),
      last_error: state?.last_error ?? null,
      last_polled_at: iso(await lastPolledAt(this.db, integrationId)),
    };
  }

  /** Entries that would be lost by deleting the integration. */
  async pendingWork(integrationId: string): Promise<{ outbox: number; deadLetters: number }> {
    const depths = await queueDepths(this.db, integrationId);
    return { outbox: depths.outbox, deadLetters: depths.dead_letter };
  }
}
