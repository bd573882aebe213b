import { sql, type Db } from './db';

/** One hour of an integration's calls to its platform, from the sync log. */
export interface ActivityHour {
  /** Start of the hour (UTC). */
  hour: string;
  calls: number;
  /** Successful creates, updates and comments: records and comments written. */
  writes: number;
  errors: number;
}

const HOUR_MS = 3_600_000;
const WRITES = ['create', 'update', 'comment'];

/** The last `hours` hours up to `now`, oldest first, hours without calls included as zeros. */
export async function activityOf(db: Db, integrationId: string, hours: number, now: Date): Promise<ActivityHour[]> {
  const last = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const first = last - (hours - 1) * HOUR_MS;
  const rows = await sql(db,
    `SELECT floor(extract(epoch FROM created_at) * 1000 / ${HOUR_MS})::bigint * ${HOUR_MS} AS hour,
            count(*)::int AS calls,
            count(*) FILTER (WHERE status = 'success' AND operation = ANY($3::text[]))::int AS writes,
            count(*) FILTER (WHERE status = 'error')::int AS errors
       FROM integration_sync_log WHERE integration_id = $1 AND created_at >= $2 GROUP BY 1`,
    [integrationId, new Date(first).toISOString(), WRITES],
  );
  const byHour = new Map(rows.map((r) => [Number(r.hour), r]));
  return Array.from({ length: hours }, (_, n) => {
    const at = first + n * HOUR_MS;
    const row = byHour.get(at);
    return { hour: new Date(at).toISOString(), calls: Number(row?.calls ?? 0), writes: Number(row?.writes ?? 0), errors: Number(row?.errors ?? 0) };
  });
}
