import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * References in dependency order: an outbox job whose referenced records have no platform id on
 * its integration yet waits on them (`waiting_on`, as `kind/id` of hub records) and is claimed
 * only once the last one is written; platform references whose hub record has not arrived yet are
 * kept as `pending_references` until it does. Record removal wakes the jobs waiting on the record,
 * so they find out and go to the dead letter queue. Claims walk each integration's queue in id order.
 */
export class DependencyOrder1764300000000 implements MigrationInterface {
  name = 'DependencyOrder1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // Claims walk each integration's queue in id order.
    await q.query(`CREATE INDEX sync_outbox_integration_order_idx ON sync_outbox (integration_id, id)`);
    await q.query(`CREATE INDEX sync_inbox_integration_order_idx ON sync_inbox (integration_id, id)`);
    await q.query(`ALTER TABLE sync_outbox ADD COLUMN waiting_on text[]`);
    await q.query(`CREATE INDEX sync_outbox_waiting_idx ON sync_outbox (integration_id) WHERE waiting_on IS NOT NULL`);
    await q.query(`CREATE TABLE pending_references (
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      record_kind text NOT NULL,
      record_id text NOT NULL,
      field_name text NOT NULL,
      value jsonb NOT NULL,
      waiting_on text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (integration_id, record_kind, record_id, field_name)
    )`);
    await q.query(`CREATE INDEX pending_references_record_idx ON pending_references (record_kind, record_id)`);
    await removalTriggers(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await removalTriggers(q, false);
    await q.query(`DROP TABLE pending_references`);
    await q.query(`DROP INDEX sync_outbox_waiting_idx`);
    await q.query(`ALTER TABLE sync_outbox DROP COLUMN waiting_on`);
    await q.query(`DROP INDEX sync_inbox_integration_order_idx`);
    await q.query(`DROP INDEX sync_outbox_integration_order_idx`);
  }
}

/** The record-removal triggers: with `waits`, they also drop pending references and wake waiting jobs. */
async function removalTriggers(q: QueryRunner, waits: boolean): Promise<void> {
  for (const [fn, kind] of [['hub_record_removed', 'TG_ARGV[0]'], ['hub_records_removed', 'OLD.kind']]) {
    await q.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM integration_sync_map WHERE entity_type = ${kind} AND entity_id = OLD.id;
        DELETE FROM record_journal WHERE record_kind = ${kind} AND record_id = OLD.id;
        DELETE FROM sync_outbox WHERE record_kind = ${kind} AND record_id = OLD.id;
        DELETE FROM dead_letter_entries WHERE record_kind = ${kind} AND record_id = OLD.id;
        DELETE FROM conflict_records WHERE record_kind = ${kind} AND record_id = OLD.id;${waits ? `
        DELETE FROM pending_references WHERE record_kind = ${kind} AND record_id = OLD.id;
        UPDATE sync_outbox SET waiting_on = NULLIF(array_remove(waiting_on, ${kind} || '/' || OLD.id), '{}')
         WHERE waiting_on @> ARRAY[${kind} || '/' || OLD.id];` : ''}
        RETURN OLD;
      END $$`);
  }
}
