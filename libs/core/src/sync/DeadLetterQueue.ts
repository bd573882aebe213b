import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { NotFoundError } from '../errors/HubError';
import { SyncSignals } from './Wakeup';
import { saveLink } from './links';
import { returningRows } from '../persistence/returningRows';

export interface DeadLetterEntry {
  id: string;
  integration_id: string;
  incident_id: string;
  kind: 'incident' | 'comment';
  comment_id: string | null;
  origin: string;
  request: unknown;
  error_message: string;
  error_status: number | null;
  error_kind: string | null;
  attempts: number;
  created_at: string;
}

export interface OutboxEntry {
  id: string;
  organization_id: string;
  integration_id: string;
  incident_id: string;
  kind: 'incident' | 'comment';
  comment_id: string | null;
  origin: string;
  corrective: boolean;
  fields: string[];
  attempts: number;
  created_at: Date;
}

/** Jobs that cannot be delivered: kept with the request, the vendor's error and the attempts. */
@injectable()
export class DeadLetterQueue {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  /** Moves a leased outbox entry to the queue and marks its link, in one transaction. */
  async bury(entry: OutboxEntry, failure: { message: string; status?: number; kind?: string; request?: unknown; attempts: number }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO dead_letter_entries (id, organization_id, integration_id, incident_id, kind, comment_id, origin, corrective, request, error_message, error_status, error_kind, attempts, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14)`,
        [randomUUID(), entry.organization_id, entry.integration_id, entry.incident_id, entry.kind, entry.comment_id, entry.origin, entry.corrective,
          JSON.stringify(failure.request ?? null), failure.message, failure.status ?? null, failure.kind ?? null, failure.attempts, this.clock.now().toISOString()],
      );
      await tx.query(`DELETE FROM sync_outbox WHERE id = $1`, [entry.id]);
      await saveLink(tx, entry.incident_id, entry.integration_id, { sync_status: 'dead_letter', last_error: failure.message, retry_count: failure.attempts }, this.clock.now());
      await this.markError(tx, entry.integration_id, failure.message);
    });
  }

  async markError(tx: EntityManager | DataSource, integrationId: string, message: string): Promise<void> {
    await tx.query(
      `INSERT INTO sync_integration_state (integration_id, last_error_at, last_error) VALUES ($1, $2, $3)
       ON CONFLICT (integration_id) DO UPDATE SET last_error_at = $2, last_error = $3`,
      [integrationId, this.clock.now().toISOString(), message],
    );
  }

  async list(integrationId: string, page: { limit: number; offset: number }): Promise<{ items: DeadLetterEntry[]; total: number }> {
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM dead_letter_entries WHERE integration_id = $1`, [integrationId]);
    const rows = await this.db.query(
      `SELECT * FROM dead_letter_entries WHERE integration_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [integrationId, page.limit, page.offset],
    );
    return { items: rows.map(toEntry), total: count };
  }

  /** Puts the job back at the end of its lane with a fresh retry budget. */
  async retry(integrationId: string, entryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = returningRows<Record<string, string>>(await tx.query(`DELETE FROM dead_letter_entries WHERE id = $1 AND integration_id = $2 RETURNING *`, [entryId, integrationId]));
      if (rows.length === 0) throw new NotFoundError('Dead letter entry', entryId);
      const row = rows[0];
      await tx.query(
        `INSERT INTO sync_outbox (organization_id, integration_id, incident_id, kind, comment_id, origin, corrective) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.organization_id, row.integration_id, row.incident_id, row.kind, row.comment_id, row.origin, row.corrective],
      );
      await saveLink(tx, row.incident_id, row.integration_id, { sync_status: 'pending' }, this.clock.now());
    });
    this.signals.outbox.notify();
  }

  async discard(integrationId: string, entryId: string): Promise<void> {
    const result = returningRows(await this.db.query(`DELETE FROM dead_letter_entries WHERE id = $1 AND integration_id = $2 RETURNING id`, [entryId, integrationId]));
    if (result.length === 0) throw new NotFoundError('Dead letter entry', entryId);
  }
}

function toEntry(row: Record<string, unknown>): DeadLetterEntry {
  return {
    id: String(row.id),
    integration_id: String(row.integration_id),
    incident_id: String(row.incident_id),
    kind: row.kind as DeadLetterEntry['kind'],
    comment_id: (row.comment_id as string | null) ?? null,
    origin: String(row.origin),
    request: row.request,
    error_message: String(row.error_message),
    error_status: (row.error_status as number | null) ?? null,
    error_kind: (row.error_kind as string | null) ?? null,
    attempts: Number(row.attempts),
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
  };
}
