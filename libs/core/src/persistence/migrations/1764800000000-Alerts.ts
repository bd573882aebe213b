import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts to incidents (issue 14): alerts with one open row per deduplication key (a partial unique
 * index, so repeats from several hub processes count on one row), alert mappings and the
 * integrations each targets, storms per mapping, intake keys for PagerDuty-style events,
 * maintenance windows, and the targets a record carries so that its changes go only there.
 * Tokens get the `ingest` role: it posts alerts and nothing else.
 */
export class Alerts1764800000000 implements MigrationInterface {
  name = 'Alerts1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'member', 'ingest'))`);
    // No foreign key on integration_id: a deleted target must leave the record going nowhere, not everywhere.
    await q.query(`
      CREATE TABLE record_targets (
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        record_id text NOT NULL,
        integration_id text NOT NULL,
        platform_fields jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (record_kind, record_id, integration_id)
      )`);
    await q.query(`
      CREATE TABLE alert_mappings (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        alert_type text,
        match jsonb NOT NULL DEFAULT '{}',
        fields jsonb NOT NULL DEFAULT '{}',
        platform_fields jsonb NOT NULL DEFAULT '{}',
        severity_map jsonb NOT NULL DEFAULT '{}',
        group_by jsonb NOT NULL DEFAULT '"alert"',
        reopen_window_seconds integer,
        on_resolved text NOT NULL CHECK (on_resolved IN ('resolve', 'comment', 'none')),
        mode text NOT NULL CHECK (mode IN ('auto', 'approve')),
        storm jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (organization_id, name)
      )`);
    await q.query(`
      CREATE TABLE alert_mapping_integrations (
        mapping_id text NOT NULL REFERENCES alert_mappings(id) ON DELETE CASCADE,
        integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
        position integer NOT NULL,
        PRIMARY KEY (mapping_id, integration_id)
      )`);
    await q.query(`
      CREATE TABLE alert_storms (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        mapping_id text NOT NULL REFERENCES alert_mappings(id) ON DELETE CASCADE,
        incident_id text,
        started_at timestamptz NOT NULL,
        last_alert_at timestamptz NOT NULL,
        alert_count integer NOT NULL DEFAULT 0,
        joined_count integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX alert_storms_mapping ON alert_storms (mapping_id, last_alert_at DESC)`);
    await q.query(`
      CREATE TABLE alerts (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('alertmanager', 'events', 'api')),
        alert_type text,
        severity text,
        summary text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        dedup_key text NOT NULL,
        fingerprint text,
        group_key text,
        generator_url text,
        status text NOT NULL CHECK (status IN ('firing', 'acknowledged', 'resolved', 'unmapped', 'suppressed', 'pending_approval', 'dismissed')),
        mapping_id text REFERENCES alert_mappings(id) ON DELETE SET NULL,
        incident_id text,
        storm_id text REFERENCES alert_storms(id) ON DELETE SET NULL,
        count integer NOT NULL DEFAULT 1,
        window_started_at timestamptz NOT NULL,
        window_firings integer NOT NULL DEFAULT 1,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        starts_at timestamptz,
        ends_at timestamptz,
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        last_comment_at timestamptz,
        error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX alerts_open_key ON alerts (organization_id, dedup_key) WHERE status NOT IN ('resolved', 'dismissed')`);
    await q.query(`CREATE INDEX alerts_resolved_key ON alerts (organization_id, dedup_key, resolved_at DESC) WHERE status = 'resolved'`);
    await q.query(`CREATE INDEX alerts_incident ON alerts (incident_id) WHERE incident_id IS NOT NULL`);
    await q.query(`CREATE INDEX alerts_storm ON alerts (storm_id, first_seen DESC) WHERE storm_id IS NOT NULL`);
    await q.query(`CREATE INDEX alerts_org_seen ON alerts (organization_id, last_seen DESC)`);
    await q.query(`
      CREATE TABLE alert_intake_keys (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_hint text NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE maintenance_windows (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        match jsonb NOT NULL DEFAULT '{}',
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE maintenance_windows`);
    await q.query(`DROP TABLE alert_intake_keys`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE alert_storms`);
    await q.query(`DROP TABLE alert_mapping_integrations`);
    await q.query(`DROP TABLE alert_mappings`);
    await q.query(`DROP TABLE record_targets`);
    await q.query(`DELETE FROM api_tokens WHERE role = 'ingest'`);
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'member'))`);
  }
}
