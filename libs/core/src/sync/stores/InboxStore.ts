import type { InboundEvent } from '../../contracts/InboundEvent';
import type { RecordKind, VersionOrder } from '../../contracts/RecordKind';
import { sql, type Db } from './db';
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
 */
export async function queueWebhookEvent(db: Db, target: InboxTarget, deliveryId: string, event: InboundEvent, mapped: Record<string, unknown> | undefined, now: Date): Promise<{ fresh: boolean; queued: boolean }> {
  // Journal events are never echoes: their entries are matched by the processor.
  const journal = event.type === 'commented';
  const version = journal ? null : (event.record.version ?? null);
  const values = journal || !mapped || Object.keys(mapped).length === 0 ? null : JSON.stringify(mapped);
  const [outcome] = await sql(db,
    `WITH fresh AS (
       INSERT INTO webhook_deliveries (integration_id, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING delivery_id),
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
      ECHO_GRACE_MS, event.record.correlationId ?? '', values],
  );
  return { fresh: outcome.fresh > 0, queued: outcome.queued > 0 };
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

export async function completeEvent(db: Db, id: string, owner: string): Promise<void> {
  await sql(db, `DELETE FROM sync_inbox WHERE id = $1 AND lease_owner = $2`, [id, owner]);
}
