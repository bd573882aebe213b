import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One journal for every long job (reconciliation now; imports and publishes later): a run with its
 * counts, the items it found (records in sync are counted, not stored), the external ids a scan
 * saw (so the hub side of a run is one query, not a set in memory), and stored schedules with one
 * row per schedule and tick, so that among hub processes sharing the database only the one whose
 * insert succeeds runs the tick. Seed 000's `drift_detection_results` is a view of reconcile runs.
 */
export class SyncRuns1764700000000 implements MigrationInterface {
  name = 'SyncRuns1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_runs (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('reconcile', 'import', 'publish')),
        trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'api')),
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'partial', 'canceled')),
        dry_run boolean NOT NULL DEFAULT false,
        auto_heal boolean NOT NULL DEFAULT false,
        kinds jsonb NOT NULL DEFAULT '[]',
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        completed_at timestamptz,
        applied_at timestamptz,
        total_expected integer,
        total_checked integer NOT NULL DEFAULT 0,
        in_sync integer NOT NULL DEFAULT 0,
        field_drift integer NOT NULL DEFAULT 0,
        missing_external integer NOT NULL DEFAULT 0,
        not_created integer NOT NULL DEFAULT 0,
        relink integer NOT NULL DEFAULT 0,
        orphan_external integer NOT NULL DEFAULT 0,
        discrepancies_found integer NOT NULL DEFAULT 0,
        auto_healed integer NOT NULL DEFAULT 0,
        failed_items integer NOT NULL DEFAULT 0,
        error text
      )`);
    await q.query(`CREATE INDEX sync_runs_integration ON sync_runs (integration_id, started_at DESC)`);
    await q.query(`CREATE INDEX sync_runs_org ON sync_runs (organization_id, started_at DESC)`);
    // At most one running job per integration, whichever process starts it.
    await q.query(`CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (integration_id) WHERE status = 'running'`);
    await q.query(`
      CREATE TABLE sync_run_items (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        record_id text,
        external_id text,
        external_number text,
        category text NOT NULL CHECK (category IN ('field_drift', 'missing_external', 'not_created', 'relink', 'orphan_external')),
        matched_by text NOT NULL CHECK (matched_by IN ('link', 'correlation_id', 'number', 'none')),
        fields jsonb NOT NULL DEFAULT '[]',
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('planned', 'applied', 'reported', 'skipped', 'stale', 'failed')),
        message text,
        hub_version integer,
        external_version text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sync_run_items_run ON sync_run_items (run_id, category, id)`);
    await q.query(`
      CREATE TABLE sync_run_seen (
        run_id text NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        external_id text NOT NULL,
        PRIMARY KEY (run_id, record_kind, external_id)
      )`);
    await q.query(`
      CREATE VIEW drift_detection_results AS
        SELECT id, integration_id, started_at, completed_at, status, total_checked, discrepancies_found, auto_healed
          FROM sync_runs WHERE type = 'reconcile'`);
    await q.query(`
      CREATE TABLE sync_schedules (
        id text PRIMARY KEY,
        integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('reconcile', 'import', 'publish')),
        cron text NOT NULL,
        timezone text NOT NULL DEFAULT 'UTC',
        options jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (integration_id, type)
      )`);
    await q.query(`
      CREATE TABLE sync_schedule_ticks (
        schedule_id text NOT NULL REFERENCES sync_schedules(id) ON DELETE CASCADE,
        tick_at timestamptz NOT NULL,
        claimed_by text NOT NULL,
        run_id text,
        outcome text,
        PRIMARY KEY (schedule_id, tick_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync_schedule_ticks`);
    await q.query(`DROP TABLE sync_schedules`);
    await q.query(`DROP VIEW drift_detection_results`);
    await q.query(`DROP TABLE sync_run_seen`);
    await q.query(`DROP TABLE sync_run_items`);
    await q.query(`DROP TABLE sync_runs`);
  }
}
