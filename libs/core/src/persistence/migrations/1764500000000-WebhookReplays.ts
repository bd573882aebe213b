import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays are recognised by what was signed, the body, not by an unsigned delivery header: a
 * digest of each accepted body is kept per integration for its replay window
 * (`settings.replay_window_hours`, 24 by default), and a body seen within it is a duplicate.
 * The integration's state keeps the warning of a delivery accepted with one.
 */
export class WebhookReplays1764500000000 implements MigrationInterface {
  name = 'WebhookReplays1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhook_body_digests (
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      digest text NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (integration_id, digest)
    )`);
    await q.query(`CREATE INDEX webhook_body_digests_received_idx ON webhook_body_digests (received_at)`);
    await q.query(`CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at)`);
    // A delivery accepted with a warning (an old platform-side script): shown until one comes without.
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN webhook_warning text`);
    await q.query(`ALTER TABLE sync_integration_state ADD COLUMN webhook_warning_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_integration_state DROP COLUMN webhook_warning_at`);
    await q.query(`ALTER TABLE sync_integration_state DROP COLUMN webhook_warning`);
    await q.query(`DROP INDEX webhook_deliveries_received_idx`);
    await q.query(`DROP TABLE webhook_body_digests`);
  }
}
