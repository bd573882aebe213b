import type { EntityManager } from 'typeorm';

export interface OutboxTarget {
  /** Integration the change came from: it gets nothing unless `correctiveTo` names it. */
  origin: string;
  /** An integration that must get a corrective write even though it is the origin. */
  correctiveTo?: string;
}

/**
 * Writes outbox entries in the caller's transaction, so a change and its deliveries commit or
 * roll back together. One entry per integration that sends incidents out.
 */
export async function enqueueFanOut(
  tx: EntityManager,
  organizationId: string,
  incidentId: string,
  entry: { kind: 'incident'; fields: string[] } | { kind: 'comment'; commentId: string },
  target: OutboxTarget,
): Promise<number> {
  const fields = entry.kind === 'incident' ? entry.fields : [];
  const commentId = entry.kind === 'comment' ? entry.commentId : null;
  const rows: Array<{ id: string }> = await tx.query(
    `INSERT INTO sync_outbox (organization_id, integration_id, incident_id, kind, comment_id, origin, corrective, fields)
     SELECT $1, i.id, $2, $3, $4, $5, i.id = COALESCE($6, ''), $7::jsonb
       FROM integration_configurations i
      WHERE i.organization_id = $1 AND i.enabled AND i.sync_direction IN ('outbound', 'bidirectional')
        AND (i.id <> $5 OR i.id = $6)
     RETURNING id`,
    [organizationId, incidentId, entry.kind, commentId, target.origin, target.correctiveTo ?? null, JSON.stringify(fields)],
  );
  return rows.length;
}

/** A corrective write to one integration only (conflict resolved with the hub's value, hub-owned field). */
export async function enqueueCorrective(tx: EntityManager, organizationId: string, incidentId: string, integrationId: string, fields: string[]): Promise<void> {
  await tx.query(
    `INSERT INTO sync_outbox (organization_id, integration_id, incident_id, kind, origin, corrective, fields)
     VALUES ($1, $2, $3, 'incident', 'hub', true, $4::jsonb)`,
    [organizationId, integrationId, incidentId, JSON.stringify(fields)],
  );
}
