import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A link remembers the values its writes left out because they name no one on the platform (an
 * assignee without an account there), so later syncs do not warn again for the same value; the
 * field is written once the person exists.
 */
export class OmittedValues1764600000000 implements MigrationInterface {
  name = 'OmittedValues1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integration_sync_map ADD COLUMN omitted jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integration_sync_map DROP COLUMN omitted`);
  }
}
