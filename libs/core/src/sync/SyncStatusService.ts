import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { activityOf, type ActivityHour } from './stores/ActivityStore';
import { countWaitingJobs, readIntegrationState } from './stores/IntegrationStateStore';
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
  /** Inbound events the hub could not apply, kept in the inbox for inspection and retry. */
  inbound_errors: number;
  last_inbound_error_at: string | null;
  /** With the platform's own message. */
  last_inbound_error: string | null;
  dead_letters: number;
  pending_conflicts: number;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  last_polled_at: string | null;
  /** Set while the platform, or the integration's own budget, makes jobs wait. */
  rate_limited: { until: string; reason: string | null; jobs_waiting: number } | null;
  /** What the last webhook delivery was accepted despite (an outdated platform-side script, say). */
  webhook_warning: string | null;
  webhook_warning_at: string | null;
  /** The numbers above in one word: `failing` with dead letters, `attention` with errors, conflicts or a rate limit, else `healthy`. */
  health: SyncHealth;
}

export type SyncHealth = 'healthy' | 'attention' | 'failing';

function healthOf(s: Omit<SyncStatus, 'health'>): SyncHealth {
  if (s.dead_letters > 0 || s.links.dead_letter > 0) return 'failing';
  if (s.pending_conflicts > 0 || s.links.error > 0 || s.inbound_errors > 0 || s.rate_limited) return 'attention';
  return 'healthy';
}

/** The numbers `GET /integrations/{id}/sync-status` reports, over every kind. */
@injectable()
export class SyncStatusService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async of(integrationId: string): Promise<SyncStatus> {
    const links = Object.fromEntries(LINK_STATES.map((s) => [s, 0])) as Record<LinkState, number>;
    for (const row of await linkStateCounts(this.db, integrationId)) links[row.sync_status] = row.n;
    const depths = await queueDepths(this.db, integrationId);
    const state = await readIntegrationState(this.db, integrationId);
    const now = this.clock.now();
    const limited = state.rate_limited_until !== null && new Date(state.rate_limited_until) > now;
    const status: Omit<SyncStatus, 'health'> = {
      integration_id: integrationId,
      links,
      outbox_depth: depths.outbox,
      inbox_depth: depths.inbox,
      inbound_errors: depths.inbox_failed,
      last_inbound_error_at: state.last_inbound_error_at,
      last_inbound_error: state.last_inbound_error,
      dead_letters: depths.dead_letter,
      pending_conflicts: await countPendingConflicts(this.db, integrationId),
      last_success_at: state.last_success_at,
      last_error_at: state.last_error_at,
      last_error: state.last_error,
      last_polled_at: iso(await lastPolledAt(this.db, integrationId)),
      webhook_warning: state.webhook_warning,
      webhook_warning_at: state.webhook_warning_at,
      rate_limited: limited ? { until: state.rate_limited_until as string, reason: state.rate_limit_reason, jobs_waiting: await countWaitingJobs(this.db, integrationId, now) } : null,
    };
    return { ...status, health: healthOf(status) };
  }

  /** The integration's calls, writes and errors per hour over the last `hours` hours (the console's activity chart). */
  async activity(integrationId: string, hours: number): Promise<{ integration_id: string; hours: ActivityHour[] }> {
    return { integration_id: integrationId, hours: await activityOf(this.db, integrationId, hours, this.clock.now()) };
  }

  /** Entries that would be lost by deleting the integration. */
  async pendingWork(integrationId: string): Promise<{ outbox: number; deadLetters: number }> {
    const depths = await queueDepths(this.db, integrationId);
    return { outbox: depths.outbox, deadLetters: depths.dead_letter };
  }
}
