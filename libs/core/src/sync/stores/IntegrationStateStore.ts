import { iso, sql, type Db } from './db';

/** What sync-status reports of an integration beyond its queues: last success, last errors, rate limit. */
export interface IntegrationState {
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  last_inbound_error_at: string | null;
  last_inbound_error: string | null;
  rate_limited_until: string | null;
  rate_limit_reason: string | null;
  webhook_warning: string | null;
  webhook_warning_at: string | null;
}

export async function recordError(db: Db, integrationId: string, message: string, now: Date): Promise<void> {
  await sql(db,
    `INSERT INTO sync_integration_state (integration_id, last_error_at, last_error) VALUES ($1, $2, $3)
     ON CONFLICT (integration_id) DO UPDATE SET last_error_at = $2, last_error = $3`,
    [integrationId, now.toISOString(), message],
  );
}

/** An inbound failure is also the integration's last error. */
export async function recordInboundError(db: Db, integrationId: string, message: string, now: Date): Promise<void> {
  await sql(db,
    `INSERT INTO sync_integration_state (integration_id, last_error_at, last_error, last_inbound_error_at, last_inbound_error) VALUES ($1, $2, $3, $2, $3)
     ON CONFLICT (integration_id) DO UPDATE SET last_error_at = $2, last_error = $3, last_inbound_error_at = $2, last_inbound_error = $3`,
    [integrationId, now.toISOString(), message],
  );
}

/** Keeps the latest moment the integration may call its platform again, and why it waits. */
export async function recordRateLimit(db: Db, integrationId: string, until: Date, reason: string): Promise<void> {
  await sql(db,
    `INSERT INTO sync_integration_state (integration_id, rate_limited_until, rate_limit_reason) VALUES ($1, $2, $3)
     ON CONFLICT (integration_id) DO UPDATE
       SET rate_limited_until = GREATEST(sync_integration_state.rate_limited_until, EXCLUDED.rate_limited_until), rate_limit_reason = EXCLUDED.rate_limit_reason`,
    [integrationId, until.toISOString(), reason],
  );
}

export async function readIntegrationState(db: Db, integrationId: string): Promise<IntegrationState> {
  const [row] = await sql(db, `SELECT * FROM sync_integration_state WHERE integration_id = $1`, [integrationId]);
  return {
    last_success_at: iso(row?.last_success_at),
    last_error_at: iso(row?.last_error_at),
    last_error: row?.last_error ?? null,
    last_inbound_error_at: iso(row?.last_inbound_error_at),
    last_inbound_error: row?.last_inbound_error ?? null,
    rate_limited_until: iso(row?.rate_limited_until),
    rate_limit_reason: row?.rate_limit_reason ?? null,
    webhook_warning: row?.webhook_warning ?? null,
    webhook_warning_at: iso(row?.webhook_warning_at),
  };
}

/** Queued entries of the integration that wait for a later moment (a rate limit or a backoff), not for their turn. */
export async function countWaitingJobs(db: Db, integrationId: string, now: Date): Promise<number> {
  const [row] = await sql(db,
    `SELECT (SELECT count(*) FROM sync_outbox WHERE integration_id = $1 AND next_attempt_at > $2)
          + (SELECT count(*) FROM sync_inbox WHERE integration_id = $1 AND state = 'pending' AND next_attempt_at > $2) AS n`,
    [integrationId, now.toISOString()],
  );
  return Number(row.n);
}
