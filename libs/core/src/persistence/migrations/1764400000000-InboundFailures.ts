import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound events the hub could not apply stay in the inbox as `failed` (with the platform's status
 * and message) for inspection and retry, instead of being acknowledged and forgotten; failed
 * events are not claimed and do not hold up later events of their record. The integration's state
 * keeps its last inbound error and until when the platform (or its own budget) rate limits it.
 */
export class InboundFailures1764400000000 implements MigrationInterface {
  name = 'InboundFailures1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed'))`);
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN failed_at timestamptz`);
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN error_status integer`);
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN error_kind text`);
    await q.query(`CREATE INDEX sync_inbox_failed_idx ON sync_inbox (integration_id, failed_at) WHERE state = 'failed'`);
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN last_inbound_error_at timestamptz`);
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN last_inbound_error text`);
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN rate_limited_until timestamptz`);
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN rate_limit_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['rate_limit_reason', 'rate_limited_until', 'last_inbound_error', 'last_inbound_error_at']) {
      await q.query(`ALTER TABLE sync_integration_state DROP COLUMN ${column}`);
    }
    await q.query(`DROP INDEX sync_inbox_failed_idx`);
    for (const column of ['error_kind', 'error_status', 'failed_at', 'state']) await q.query(`ALTER TABLE sync_inbox DROP COLUMN ${column}`);
  }
}
