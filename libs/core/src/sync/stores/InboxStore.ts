import type { InboundEvent } from '../../contracts/InboundEvent';
import type { RecordKind, VersionOrder } from '../../contracts/RecordKind';
import { iso, sql, type Db } from './db';
import { holdsVersionSql } from './versions';

export interface InboxTarget {
  organizationId: string;
  integrationId: string;
  versions: VersionOrder;
}

/**
 * An event about a record the hub is writing right now (an update, or a create whose answer has not
 * come back: the event carries the hub id as correlation) waits this long: it is most likely the
 * platform's echo of that write, and once the write's version is on the link it is dropped without
 * reading the record.
 */
export const ECHO_GRACE_MS = 250;

/**
 * Queues one webhook event in one statement: the delivery id is claimed, and the event is queued
 * unless it is the platform echoing the hub's write: the link already holds this version or a
 * newer one, or a write is in flight and every mapped value the event carries is what the link
 * holds or is writing (`mapped`: the event's values of the mapped fields, in the platform's
 * representation). Returns whether the delivery was new and whether it was queued.
 *
 * With `body`, the same statement first remembers the delivery's body (see rememberDelivery) and
 * takes the delivery as new only if the body is: a one-event delivery costs one statement, and its
 * body is remembered exactly when its event is.
 */
export async function queueWebhookEvent(
  db: Db, target: InboxTarget, deliveryId: string, event: InboundEvent, mapped: Record<string, unknown> | undefined, now: Date,
  body?: DeliveryBody,
): Promise<{ fresh: boolean; queued: boolean }> {
  // Journal events are never echoes: their entries are matched by the processor.
  const journal = event.type === 'commented';
  const version = journal ? null : (event.record.version ?? null);
  const values = journal || !mapped || Object.keys(mapped).length === 0 ? null : JSON.stringify(mapped);
  const remembered = body ? `${rememberCtes({ integration: '$1', now: '$9', digest: '$13', windowMs: '$14', warning: '$15' })},` : '';
  const [outcome] = await sql(db,
    `WITH ${remembered}
     fresh AS (
       INSERT INTO webhook_deliveries (integration_id, delivery_id, received_at) SELECT $1, $2, $9${body ? ' WHERE EXISTS (SELECT 1 FROM digest)' : ''}
       ON CONFLICT DO NOTHING RETURNING delivery_id),
     link AS (
       SELECT ${holdsVersionSql(target.versions, 'l.last_synced_version', '$6')} AS held,
              l.in_flight <> '{}' AS writing,
              ($12::jsonb IS NOT NULL AND l.in_flight <> '{}' AND NOT EXISTS (
                 SELECT 1 FROM jsonb_each($12::jsonb) e WHERE (l.base || l.in_flight) -> e.key IS DISTINCT FROM e.value)) AS echoed
         FROM integration_sync_map l
        WHERE l.integration_id = $1 AND l.entity_type = $7 AND (l.external_id = $4 OR (l.external_id IS NULL AND l.entity_id = $11))),
     queued AS (
       INSERT INTO sync_inbox (organization_id, integration_id, record_kind, external_id, delivery_id, source, event, version_order, next_attempt_at)
       SELECT $3, $1, $7, $4, delivery_id, 'webhook', $5::jsonb, $8,
              $9::timestamptz + CASE WHEN EXISTS (SELECT 1 FROM link WHERE writing) THEN make_interval(secs => $10 / 1000.0) ELSE interval '0' END
         FROM fresh
        WHERE NOT EXISTS (SELECT 1 FROM link WHERE held OR echoed)
       RETURNING id)
     SELECT (SELECT count(*) FROM fresh)::int AS fresh, (SELECT count(*) FROM queued)::int AS queued`,
    [target.integrationId, deliveryId, target.organizationId, event.record.id, JSON.stringify(event), version, event.record.kind, target.versions, now.toISOString(),
      ECHO_GRACE_MS, event.record.correlationId ?? '', values, ...(body ? [body.digest, body.windowMs, body.warning] : [])],
  );
  return { fresh: outcome.fresh > 0, queued: outcome.queued > 0 };
}

/** A delivery's body digest, the integration's replay window and the delivery's verification warning (null: none). */
export interface DeliveryBody {
  digest: string;
  windowMs: number;
  warning: string | null;
}

/**
 * The CTEs that remember a body: `digest` has a row when the body is new (or last seen before the
 * window, which renews it), and the integration keeps the delivery's warning. `p` names the
 * statement's parameters for each value.
 */
function rememberCtes(p: { integration: string; now: string; digest: string; windowMs: string; warning: string }): string {
  return `digest AS (
       INSERT INTO webhook_body_digests (integration_id, digest, received_at) VALUES (${p.integration}, ${p.digest}, ${p.now})
       ON CONFLICT (integration_id, digest) DO UPDATE SET received_at = EXCLUDED.received_at
         WHERE webhook_body_digests.received_at <= ${p.now}::timestamptz - make_interval(secs => ${p.windowMs} / 1000.0)
       RETURNING 1),
     warned AS (
       INSERT INTO sync_integration_state (integration_id, webhook_warning, webhook_warning_at)
       VALUES (${p.integration}, ${p.warning}, CASE WHEN ${p.warning}::text IS NULL THEN NULL ELSE ${p.now}::timestamptz END)
       ON CONFLICT (integration_id) DO UPDATE SET webhook_warning = EXCLUDED.webhook_warning, webhook_warning_at = EXCLUDED.webhook_warning_at
         WHERE sync_integration_state.webhook_warning IS DISTINCT FROM EXCLUDED.webhook_warning OR EXCLUDED.webhook_warning IS NOT NULL)`;
}

/**
 * Remembers an accepted webhook body on its own (a delivery of no events, or of several, whose
 * events are queued after it in the same transaction); false when the same body was accepted
 * within the window (a replay).
 */
export async function rememberDelivery(db: Db, integrationId: string, body: DeliveryBody, now: Date): Promise<boolean> {
  const ctes = rememberCtes({ integration: '$1', now: '$2', digest: '$3', windowMs: '$4', warning: '$5' });
  const [row] = await sql(db, `WITH ${ctes} SELECT count(*)::int AS fresh FROM digest`, [integrationId, now.toISOString(), body.digest, body.windowMs, body.warning]);
  return row.fresh > 0;
}

/** Queues polled records, due `at` (the hub's clock), with the cursor after them, in the caller's transaction. */
export async function queuePolledRecords(db: Db, target: InboxTarget, events: InboundEvent[], at: Date): Promise<void> {
  for (const event of events) {
    await sql(db, 
      `INSERT INTO sync_inbox (organization_id, integration_id, record_kind, external_id, delivery_id, source, event, version_order, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 'poll', $6::jsonb, $7, $8)`,
      [target.organizationId, target.integrationId, event.record.kind, event.record.id, `poll:${event.record.kind}:${event.record.id}:${event.record.version ?? ''}`, JSON.stringify(event), target.versions, at.toISOString()],
    );
  }
}

/**
 * Removes leased events about a version their link already holds (or a newer one, where the
 * adapter's versions are counters), in the statement that recognises them; returns their ids.
 * Journal events are never echoes: their entries are matched by the processor.
 */
export async function dropEchoedEvents(db: Db, ids: string[], owner: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const version = `(q.event -> 'record' ->> 'version')`;
  const removed = await sql<{ id: string }>(db,
    `DELETE FROM sync_inbox q
      WHERE q.id = ANY($1::bigint[]) AND q.lease_owner = $2 AND q.event ->> 'type' <> 'commented' AND ${version} IS NOT NULL
        AND EXISTS (
          SELECT 1 FROM integration_sync_map l WHERE l.integration_id = q.integration_id AND l.entity_type = q.record_kind AND l.external_id = q.external_id
             AND ((q.version_order = 'counter' AND ${holdsVersionSql('counter', 'l.last_synced_version', version)})
               OR (q.version_order <> 'counter' AND ${holdsVersionSql('opaque', 'l.last_synced_version', version)})))
      RETURNING q.id`,
    [ids, owner],
  );
  return new Set(removed.map((r) => String(r.id)));
}

/**
 * Removes a handled event; with `superseding`, also the record's failed events received before it,
 * whose record the hub has now read and applied.
 */
export async function completeEvent(db: Db, id: string, owner: string, superseding?: { integrationId: string; kind: RecordKind; externalId: string }): Promise<void> {
  if (!superseding) {
    await sql(db, `DELETE FROM sync_inbox WHERE id = $1 AND lease_owner = $2`, [id, owner]);
    return;
  }
  await sql(db,
    `DELETE FROM sync_inbox
      WHERE (id = $1 AND lease_owner = $2)
         OR (integration_id = $3 AND record_kind = $4 AND external_id = $5 AND state = 'failed' AND id < $1)`,
    [id, owner, superseding.integrationId, superseding.kind, superseding.externalId],
  );
}

/** Why an inbound event was kept as failed: the read found nothing, the platform refused it, or retries ran out. */
export type InboundFailureReason = 'not_found' | 'rejected' | 'exhausted';

export interface InboundFailure {
  reason: InboundFailureReason;
  message: string;
  status?: number;
  attempts: number;
}

/** Keeps a leased event as failed, with what the platform said, for inspection and retry. */
export async function failEvent(db: Db, id: string, owner: string, failure: InboundFailure, now: Date): Promise<void> {
  await sql(db,
    `UPDATE sync_inbox SET state = 'failed', failed_at = $3, error_kind = $4, error_status = $5, last_error = $6, attempts = $7, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_owner = $2`,
    [id, owner, now.toISOString(), failure.reason, failure.status ?? null, failure.message, failure.attempts],
  );
}

export type InboxState = 'pending' | 'failed';

export interface InboxEntry {
  id: string;
  record_kind: RecordKind;
  external_id: string;
  source: 'webhook' | 'poll';
  event_type: string;
  state: InboxState;
  attempts: number;
  error_kind: InboundFailureReason | null;
  error_status: number | null;
  last_error: string | null;
  received_at: string;
  next_attempt_at: string | null;
  failed_at: string | null;
}

export async function listInbox(db: Db, integrationId: string, query: { state?: InboxState; limit: number; offset: number }): Promise<{ items: InboxEntry[]; total: number }> {
  const filter = query.state ? ' AND state = $2' : '';
  const params: unknown[] = query.state ? [integrationId, query.state] : [integrationId];
  const [{ count }] = await sql(db, `SELECT count(*)::int AS count FROM sync_inbox WHERE integration_id = $1${filter}`, params);
  const n = params.length;
  const rows = await sql(db,
    `SELECT * FROM sync_inbox WHERE integration_id = $1${filter} ORDER BY COALESCE(failed_at, received_at) DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, query.limit, query.offset],
  );
  return { items: rows.map(toInboxEntry), total: count };
}

/** Puts a failed event back in its lane with a fresh retry budget; false when there is no such failed event. */
export async function retryFailedEvent(db: Db, integrationId: string, id: string, now: Date): Promise<boolean> {
  const rows = await sql(db,
    `UPDATE sync_inbox SET state = 'pending', attempts = 0, next_attempt_at = $3, failed_at = NULL, error_kind = NULL, error_status = NULL
      WHERE id = $1 AND integration_id = $2 AND state = 'failed' RETURNING id`,
    [id, integrationId, now.toISOString()],
  );
  return rows.length > 0;
}

export async function discardFailedEvent(db: Db, integrationId: string, id: string): Promise<boolean> {
  const rows = await sql(db, `DELETE FROM sync_inbox WHERE id = $1 AND integration_id = $2 AND state = 'failed' RETURNING id`, [id, integrationId]);
  return rows.length > 0;
}

/** The state of an event that exists but is not failed, for a clear refusal; undefined when there is none. */
export async function inboxStateOf(db: Db, integrationId: string, id: string): Promise<InboxState | undefined> {
  const [row] = await sql(db, `SELECT state FROM sync_inbox WHERE id = $1 AND integration_id = $2`, [id, integrationId]);
  return row?.state;
}

function toInboxEntry(row: Record<string, unknown>): InboxEntry {
  const event = row.event as { type?: string };
  return {
    id: String(row.id),
    record_kind: String(row.record_kind),
    external_id: String(row.external_id),
    source: row.source as InboxEntry['source'],
    event_type: String(event?.type ?? ''),
    state: row.state as InboxState,
    attempts: Number(row.attempts),
    error_kind: (row.error_kind as InboundFailureReason | null) ?? null,
    error_status: (row.error_status as number | null) ?? null,
    last_error: (row.last_error as string | null) ?? null,
    received_at: iso(row.received_at) ?? '',
    next_attempt_at: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    failed_at: iso(row.failed_at),
  };
}
