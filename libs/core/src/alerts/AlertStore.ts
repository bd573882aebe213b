import { randomUUID } from 'node:crypto';
import { iso, sql, type Db } from '../sync/stores/db';
import type { AlertStatus, ListAlertsQuery } from './alertSchemas';
import type { IncomingAlert } from './normalizeAlerts';

/** A stored alert. */
export interface Alert {
  id: string;
  organization_id: string;
  source: string;
  alert_type: string | null;
  severity: string | null;
  summary: string;
  details: Record<string, unknown>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dedup_key: string;
  fingerprint: string | null;
  group_key: string | null;
  generator_url: string | null;
  status: AlertStatus;
  mapping_id: string | null;
  incident_id: string | null;
  storm_id: string | null;
  count: number;
  window_started_at: string;
  window_firings: number;
  first_seen: string;
  last_seen: string;
  starts_at: string | null;
  ends_at: string | null;
  acknowledged_at: string | null;
  resolved_at: string | null;
  last_comment_at: string | null;
  error: string | null;
}

/** Statuses of an alert still open: the deduplication key of one of these takes repeats. */
export const OPEN_ALERT_STATUSES: readonly AlertStatus[] = ['firing', 'acknowledged', 'unmapped', 'suppressed', 'pending_approval'];
/** Open alerts that keep their incident open. */
export const ACTIVE_STATUSES: readonly AlertStatus[] = ['firing', 'acknowledged'];

function toAlert(row: Record<string, unknown>): Alert {
  return {
    id: String(row.id),
    organization_id: String(row.organization_id),
    source: String(row.source),
    alert_type: (row.alert_type as string | null) ?? null,
    severity: (row.severity as string | null) ?? null,
    summary: String(row.summary),
    details: (row.details as Record<string, unknown>) ?? {},
    labels: (row.labels as Record<string, string>) ?? {},
    annotations: (row.annotations as Record<string, string>) ?? {},
    dedup_key: String(row.dedup_key),
    fingerprint: (row.fingerprint as string | null) ?? null,
    group_key: (row.group_key as string | null) ?? null,
    generator_url: (row.generator_url as string | null) ?? null,
    status: row.status as AlertStatus,
    mapping_id: (row.mapping_id as string | null) ?? null,
    incident_id: (row.incident_id as string | null) ?? null,
    storm_id: (row.storm_id as string | null) ?? null,
    count: Number(row.count),
    window_started_at: iso(row.window_started_at) ?? '',
    window_firings: Number(row.window_firings),
    first_seen: iso(row.first_seen) ?? '',
    last_seen: iso(row.last_seen) ?? '',
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    acknowledged_at: iso(row.acknowledged_at),
    resolved_at: iso(row.resolved_at),
    last_comment_at: iso(row.last_comment_at),
    error: (row.error as string | null) ?? null,
  };
}

export interface Firing {
  alert: IncomingAlert;
  dedupKey: string;
  status: AlertStatus;
  mappingId: string | null;
  error: string | null;
}

/**
 * Firings of distinct keys, in one statement: a new open alert per key, or one more firing of the
 * open one (`inserted` false). The partial unique index on open keys makes concurrent firings of
 * one key, from any process, land on one row; rows go in key order so two intakes lock alike.
 * `window_firings` restarts once the mapping's `storm.window` passed.
 */
export async function upsertFirings(db: Db, organizationId: string, firings: Firing[], at: Date): Promise<Map<string, { alert: Alert; inserted: boolean }>> {
  const byKey = new Map<string, { alert: Alert; inserted: boolean }>();
  if (firings.length === 0) return byKey;
  const rows = firings.map((f) => ({
    id: randomUUID(), source: f.alert.source, alert_type: f.alert.type, severity: f.alert.severity, summary: f.alert.summary, details: f.alert.details,
    labels: f.alert.labels, annotations: f.alert.annotations, dedup_key: f.dedupKey, fingerprint: f.alert.fingerprint, group_key: f.alert.groupKey,
    generator_url: f.alert.generatorUrl, status: f.status, mapping_id: f.mappingId, error: f.error, starts_at: f.alert.startsAt,
  }));
  // No storm window (the subquery is null): the count never restarts.
  const restart = `COALESCE(alerts.window_started_at < EXCLUDED.last_seen - make_interval(secs => (SELECT (m.storm->>'window')::int FROM alert_mappings m WHERE m.id = EXCLUDED.mapping_id)), false)`;
  const result = await sql(db,
    `INSERT INTO alerts (id, organization_id, source, alert_type, severity, summary, details, labels, annotations, dedup_key, fingerprint, group_key, generator_url,
                         status, mapping_id, error, window_started_at, first_seen, last_seen, starts_at, created_at, updated_at)
     SELECT r.id, $2, r.source, r.alert_type, r.severity, r.summary, r.details, r.labels, r.annotations, r.dedup_key, r.fingerprint, r.group_key, r.generator_url,
            r.status, r.mapping_id, r.error, $3, $3, $3, r.starts_at, $3, $3
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, source text, alert_type text, severity text, summary text, details jsonb, labels jsonb, annotations jsonb,
                                               dedup_key text, fingerprint text, group_key text, generator_url text, status text, mapping_id text, error text, starts_at timestamptz)
      ORDER BY r.dedup_key
     ON CONFLICT (organization_id, dedup_key) WHERE status NOT IN ('resolved', 'dismissed') DO UPDATE SET
       count = alerts.count + 1,
       last_seen = EXCLUDED.last_seen,
       updated_at = EXCLUDED.updated_at,
       summary = EXCLUDED.summary,
       severity = EXCLUDED.severity,
       annotations = EXCLUDED.annotations,
       window_firings = CASE WHEN ${restart} THEN 1 ELSE alerts.window_firings + 1 END,
       window_started_at = CASE WHEN ${restart} THEN EXCLUDED.last_seen ELSE alerts.window_started_at END
     RETURNING *, (xmax = 0) AS inserted`,
    [JSON.stringify(rows), organizationId, at.toISOString()],
  );
  for (const row of result) byKey.set(String(row.dedup_key), { alert: toAlert(row), inserted: Boolean(row.inserted) });
  return byKey;
}

/**
 * Firings within their reopen window after their alert resolved: each such alert fires again (with
 * its incident) instead of a new one. None for a key with an open alert, or none resolved recently.
 */
export async function reopenResolved(db: Db, organizationId: string, keys: Array<{ dedupKey: string; windowSeconds: number }>, at: Date): Promise<Alert[]> {
  if (keys.length === 0) return [];
  const rows = await sql(db,
    `UPDATE alerts a SET status = 'firing', count = a.count + 1, last_seen = $3, updated_at = $3, resolved_at = NULL, ends_at = NULL, acknowledged_at = NULL,
            window_started_at = $3, window_firings = 1
       FROM (SELECT DISTINCT ON (x.dedup_key) x.id
               FROM alerts x JOIN jsonb_to_recordset($2::jsonb) AS k(dedup_key text, window_seconds int) ON k.dedup_key = x.dedup_key
              WHERE x.organization_id = $1 AND x.status = 'resolved' AND x.incident_id IS NOT NULL
                AND x.resolved_at >= $3::timestamptz - make_interval(secs => k.window_seconds)
                AND NOT EXISTS (SELECT 1 FROM alerts o WHERE o.organization_id = $1 AND o.dedup_key = x.dedup_key AND o.status NOT IN ('resolved', 'dismissed'))
              ORDER BY x.dedup_key, x.resolved_at DESC) pick
      WHERE a.id = pick.id
      RETURNING a.*`,
    [organizationId, JSON.stringify(keys.map((k) => ({ dedup_key: k.dedupKey, window_seconds: k.windowSeconds }))), at.toISOString()],
  );
  return rows.map(toAlert);
}

/** Moves one alert, by id, to a new status; undefined when it is not in `from`. */
export async function moveAlert(db: Db, organizationId: string, id: string, from: readonly AlertStatus[], to: AlertStatus, at: Date): Promise<Alert | undefined> {
  const rows = await sql(db,
    `UPDATE alerts SET status = $3, updated_at = $4${stampOf(to)} WHERE organization_id = $1 AND id = $2 AND status = ANY($5::text[]) RETURNING *`,
    [organizationId, id, to, at.toISOString(), from],
  );
  return rows[0] ? toAlert(rows[0]) : undefined;
}

/**
 * Moves the open alerts of keys to a new status (a resolve sets `ends_at` from the event, or now);
 * keys with no open alert in `from` are not in the answer.
 */
export async function moveAlertsByKey(db: Db, organizationId: string, keys: Array<{ dedupKey: string; endsAt: string | null }>, from: readonly AlertStatus[], to: 'resolved' | 'acknowledged', at: Date): Promise<Alert[]> {
  if (keys.length === 0) return [];
  const rows = await sql(db,
    `UPDATE alerts a SET status = $3, updated_at = $4${stampOf(to)}${to === 'resolved' ? ', ends_at = COALESCE(k.ends_at, $4)' : ''}
       FROM jsonb_to_recordset($2::jsonb) AS k(dedup_key text, ends_at timestamptz)
      WHERE a.organization_id = $1 AND a.dedup_key = k.dedup_key AND a.status = ANY($5::text[])
      RETURNING a.*`,
    [organizationId, JSON.stringify(keys.map((k) => ({ dedup_key: k.dedupKey, ends_at: k.endsAt }))), to, at.toISOString(), from],
  );
  return rows.map(toAlert);
}

const stampOf = (to: AlertStatus) => (to === 'resolved' || to === 'dismissed' ? ', resolved_at = $4' : to === 'acknowledged' ? ', acknowledged_at = $4' : '');

export interface Attachment {
  alertId: string;
  incidentId: string;
  stormId: string | null;
}

export async function attachIncidents(db: Db, attachments: Attachment[], at: Date): Promise<void> {
  if (attachments.length === 0) return;
  await sql(db,
    `UPDATE alerts a SET incident_id = r.incident_id, storm_id = r.storm_id, error = NULL, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS r(alert_id text, incident_id text, storm_id text) WHERE a.id = r.alert_id`,
    [JSON.stringify(attachments.map((x) => ({ alert_id: x.alertId, incident_id: x.incidentId, storm_id: x.stormId }))), at.toISOString()],
  );
}

export async function markError(db: Db, alertId: string, error: string, at: Date): Promise<void> {
  await sql(db, `UPDATE alerts SET error = $2, updated_at = $3 WHERE id = $1`, [alertId, error, at.toISOString()]);
}

export async function markCommented(db: Db, alertId: string, at: Date): Promise<void> {
  await sql(db, `UPDATE alerts SET last_comment_at = $2 WHERE id = $1`, [alertId, at.toISOString()]);
}

/** Alerts of an incident still keeping it open. */
export async function activeAlertsOf(db: Db, incidentId: string): Promise<number> {
  const [row] = await sql(db, `SELECT count(*)::int AS n FROM alerts WHERE incident_id = $1 AND status = ANY($2::text[])`, [incidentId, ACTIVE_STATUSES]);
  return Number(row.n);
}

/** The alerts follow their incident: resolved with it, acknowledged when someone picks it up. */
export async function followIncident(db: Db, incidentId: string, to: 'resolved' | 'acknowledged', at: Date): Promise<number> {
  const rows = to === 'resolved'
    ? await sql(db, `UPDATE alerts SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE incident_id = $1 AND status = ANY($3::text[]) RETURNING id`, [incidentId, at.toISOString(), ACTIVE_STATUSES])
    : await sql(db, `UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, updated_at = $2 WHERE incident_id = $1 AND status = 'firing' RETURNING id`, [incidentId, at.toISOString()]);
  return rows.length;
}

export async function selectAlert(db: Db, organizationId: string, id: string): Promise<Alert | undefined> {
  const rows = await sql(db, `SELECT * FROM alerts WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
  return rows[0] ? toAlert(rows[0]) : undefined;
}

export async function listAlerts(db: Db, organizationId: string, query: ListAlertsQuery & { mappingId?: string }): Promise<{ items: Alert[]; total: number }> {
  const where = ['organization_id = $1'];
  const params: unknown[] = [organizationId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (query.status) add('status = ?', query.status);
  if (query.mappingId) add('mapping_id = ?', query.mappingId);
  if (query.dedup_key) add('dedup_key = ?', query.dedup_key);
  if (query.incident_id) add('incident_id = ?', query.incident_id);
  if (query.from) add('last_seen >= ?', query.from);
  if (query.to) add('first_seen <= ?', query.to);
  const filter = where.join(' AND ');
  const [{ n }] = await sql(db, `SELECT count(*)::int AS n FROM alerts WHERE ${filter}`, params);
  const rows = await sql(db, `SELECT * FROM alerts WHERE ${filter} ORDER BY last_seen DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, query.limit, query.offset]);
  return { items: rows.map(toAlert), total: Number(n) };
}

/** Ticket references of incidents, per integration: what the alert shows (seed 004). */
export async function ticketsOf(db: Db, incidentIds: string[]): Promise<Map<string, TicketReference[]>> {
  const byIncident = new Map<string, TicketReference[]>();
  if (incidentIds.length === 0) return byIncident;
  const rows = await sql(db,
    `SELECT l.entity_id, l.integration_id, i.name AS integration_name, i.integration_type, l.external_id, l.external_number, l.external_table, l.external_url, l.sync_status, l.last_synced_at
       FROM integration_sync_map l JOIN integration_configurations i ON i.id = l.integration_id
      WHERE l.entity_type = 'incident' AND l.entity_id = ANY($1::text[]) ORDER BY i.name`,
    [incidentIds],
  );
  for (const row of rows) {
    const list = byIncident.get(String(row.entity_id)) ?? [];
    list.push({
      integration_id: String(row.integration_id), integration_name: String(row.integration_name), integration_type: String(row.integration_type),
      external_id: (row.external_id as string | null) ?? null, number: (row.external_number as string | null) ?? null, table: (row.external_table as string | null) ?? null,
      url: (row.external_url as string | null) ?? null, sync_status: String(row.sync_status), last_synced_at: iso(row.last_synced_at),
    });
    byIncident.set(String(row.entity_id), list);
  }
  return byIncident;
}

export interface TicketReference {
  integration_id: string;
  integration_name: string;
  integration_type: string;
  external_id: string | null;
  number: string | null;
  table: string | null;
  url: string | null;
  sync_status: string;
  last_synced_at: string | null;
}

/** Forgets closed, unmapped and suppressed alerts last seen before `cutoff`. */
export async function forgetAlerts(db: Db, cutoff: Date): Promise<number> {
  const rows = await sql(db, `DELETE FROM alerts WHERE last_seen < $1 AND status IN ('resolved', 'dismissed', 'unmapped', 'suppressed') RETURNING id`, [cutoff.toISOString()]);
  return rows.length;
}
