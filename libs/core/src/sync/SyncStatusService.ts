import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { LINK_STATES, type LinkState } from './links';

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

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** The numbers `GET /integrations/{id}/sync-status` reports. */
@injectable()
export class SyncStatusService {
  constructor(@inject(TOKENS.DataSource) private readonly db: DataSource) {}

  async of(integrationId: string): Promise<SyncStatus> {
    const links = Object.fromEntries(LINK_STATES.map((s) => [s, 0])) as Record<LinkState, number>;
    const counts = await this.db.query(`SELECT sync_status, count(*)::int AS n FROM incident_external_links WHERE integration_id = $1 GROUP BY sync_status`, [integrationId]);
    for (const row of counts) links[row.sync_status as LinkState] = row.n;
    const [row] = await this.db.query(
      `SELECT (SELECT count(*) FROM sync_outbox WHERE integration_id = $1)::int AS outbox,
              (SELECT count(*) FROM sync_inbox WHERE integration_id = $1)::int AS inbox,
              (SELECT count(*) FROM dead_letter_entries WHERE integration_id = $1)::int AS dead,
              (SELECT count(*) FROM conflict_records WHERE integration_id = $1 AND status = 'pending')::int AS conflicts`,
      [integrationId],
    );
    const [state] = await this.db.query(`SELECT * FROM sync_integration_state WHERE integration_id = $1`, [integrationId]);
    const [cursor] = await this.db.query(`SELECT last_polled_at FROM sync_cursors WHERE integration_id = $1`, [integrationId]);
    return {
      integration_id: integrationId,
      links,
      outbox_depth: row.outbox,
      inbox_depth: row.inbox,
      dead_letters: row.dead,
      pending_conflicts: row.conflicts,
      last_success_at: iso(state?.last_success_at),
      last_error_at: iso(state?.last_error_at),
      last_error: state?.last_error ?? null,
      last_polled_at: iso(cursor?.last_polled_at),
    };
  }

  /** Entries that would be lost by deleting the integration. */
  async pendingWork(integrationId: string): Promise<{ outbox: number; deadLetters: number }> {
    const [row] = await this.db.query(
      `SELECT (SELECT count(*) FROM sync_outbox WHERE integration_id = $1)::int AS outbox, (SELECT count(*) FROM dead_letter_entries WHERE integration_id = $1)::int AS dead`,
      [integrationId],
    );
    return { outbox: row.outbox, deadLetters: row.dead };
  }
}
