import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One schema for every kind of record: queues, dead letters and conflicts keyed by
 * (record_kind, record_id); links of every kind in seed 001's `integration_sync_map` (with
 * `incident_external_links` kept as its incident view); a journal for any kind that has one;
 * records of kinds without a table of their own in `hub_records`; polling cursors, directions,
 * mappings and ownership per kind; the external-call audit as seed 001's `integration_sync_log`.
 * Existing rows are carried over.
 */
export class RecordKinds1764200000000 implements MigrationInterface {
  name = 'RecordKinds1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await this.records(q);
    await this.links(q);
    await this.journal(q);
    await this.queues(q);
    await this.perKind(q);
    await this.syncLog(q);
  }

  private async records(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub_records (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      kind text NOT NULL,
      fields jsonb NOT NULL DEFAULT '{}',
      field_changes jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      origin text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX hub_records_org_kind_updated_idx ON hub_records (organization_id, kind, updated_at DESC, id)`);
  }

  private async links(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE integration_sync_map (
      id text PRIMARY KEY,
      organization_id text NOT NULL,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      external_id text,
      external_table text,
      sync_direction text NOT NULL CHECK (sync_direction IN ('published', 'subscribed')),
      external_number text,
      external_url text,
      sync_status text NOT NULL CHECK (sync_status IN ('pending', 'synced', 'error', 'conflict', 'dead_letter')),
      retry_count integer NOT NULL DEFAULT 0,
      last_synced_version text,
      last_sync_hash text,
      base jsonb NOT NULL DEFAULT '{}',
      in_flight jsonb NOT NULL DEFAULT '{}',
      ignored jsonb NOT NULL DEFAULT '{}',
      last_error text,
      last_synced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT integration_sync_map_entity_key UNIQUE (integration_id, entity_type, entity_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX integration_sync_map_external_key ON integration_sync_map (integration_id, entity_type, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX integration_sync_map_entity_idx ON integration_sync_map (entity_type, entity_id)`);
    // A record the hub created on the platform is published; one it first learnt from the platform is subscribed.
    await q.query(`INSERT INTO integration_sync_map (id, organization_id, integration_id, entity_type, entity_id, external_id, sync_direction, external_number,
                          external_url, sync_status, retry_count, last_synced_version, last_sync_hash, base, in_flight, ignored, last_error, last_synced_at, created_at, updated_at)
                   SELECT l.id, i.organization_id, l.integration_id, 'incident', l.incident_id, l.external_id,
                          CASE WHEN i.origin = l.integration_id THEN 'subscribed' ELSE 'published' END, l.external_number,
                          l.external_url, l.sync_status, l.retry_count, l.last_synced_version, l.last_synced_hash, l.base, l.in_flight, l.ignored, l.last_error,
                          l.last_synced_at, l.created_at, l.updated_at
                     FROM incident_external_links l JOIN incidents i ON i.id = l.incident_id`);
    await q.query(`DROP TABLE incident_external_links`);
    await q.query(`CREATE VIEW incident_external_links AS
      SELECT id, entity_id AS incident_id, integration_id, external_id, external_number, external_url, sync_status, retry_count,
             last_synced_version, last_sync_hash AS last_synced_hash, base, in_flight, ignored, last_error, last_synced_at, created_at, updated_at
        FROM integration_sync_map WHERE entity_type = 'incident'`);
  }

  private async journal(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE record_journal (
      id text PRIMARY KEY,
      seq bigserial UNIQUE,
      organization_id text NOT NULL,
      record_kind text NOT NULL,
      record_id text NOT NULL,
      body text NOT NULL,
      author text,
      visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
      origin text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX record_journal_record_idx ON record_journal (record_kind, record_id, seq)`);
    await q.query(`INSERT INTO record_journal (id, organization_id, record_kind, record_id, body, author, visibility, origin, created_at)
                   SELECT c.id, i.organization_id, 'incident', c.incident_id, c.body, c.author, c.visibility, c.origin, c.created_at
                     FROM incident_comments c JOIN incidents i ON i.id = c.incident_id ORDER BY c.seq`);
    await q.query(`CREATE TABLE journal_links (
      entry_id text NOT NULL REFERENCES record_journal(id) ON DELETE CASCADE,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      external_entry_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (entry_id, integration_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX journal_links_external_key ON journal_links (integration_id, external_entry_id) WHERE external_entry_id IS NOT NULL`);
    await q.query(`INSERT INTO journal_links (entry_id, integration_id, external_entry_id, created_at)
                   SELECT comment_id, integration_id, external_comment_id, created_at FROM incident_comment_links`);
    await q.query(`DROP TABLE incident_comment_links`);
    await q.query(`DROP TABLE incident_comments`);
  }

  private async queues(q: QueryRunner): Promise<void> {
    // Outbox: a job about a record of any kind, either its fields or one journal entry.
    await q.query(`ALTER TABLE sync_outbox DROP CONSTRAINT IF EXISTS sync_outbox_incident_id_fkey`);
    await q.query(`ALTER TABLE sync_outbox DROP CONSTRAINT IF EXISTS sync_outbox_kind_check`);
    await q.query(`DROP INDEX sync_outbox_lane_idx`);
    await q.query(`ALTER TABLE sync_outbox RENAME COLUMN incident_id TO record_id`);
    await q.query(`ALTER TABLE sync_outbox RENAME COLUMN kind TO job`);
    await q.query(`ALTER TABLE sync_outbox RENAME COLUMN comment_id TO journal_id`);
    await q.query(`ALTER TABLE sync_outbox ADD COLUMN record_kind text NOT NULL DEFAULT 'incident'`);
    await q.query(`ALTER TABLE sync_outbox ALTER COLUMN record_kind DROP DEFAULT`);
    await q.query(`UPDATE sync_outbox SET job = CASE job WHEN 'comment' THEN 'journal' ELSE 'record' END`);
    await q.query(`ALTER TABLE sync_outbox ADD CONSTRAINT sync_outbox_job_check CHECK (job IN ('record', 'journal'))`);
    await q.query(`CREATE INDEX sync_outbox_lane_idx ON sync_outbox (integration_id, record_kind, record_id, id)`);

    await q.query(`DROP INDEX sync_inbox_lane_idx`);
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN record_kind text NOT NULL DEFAULT 'incident'`);
    await q.query(`ALTER TABLE sync_inbox ALTER COLUMN record_kind DROP DEFAULT`);
    // How the adapter orders versions, kept with the event so dropping an echo needs no other read;
    // events queued before the upgrade compare by equality, and are read and checked as usual.
    await q.query(`ALTER TABLE sync_inbox ADD COLUMN version_order text NOT NULL DEFAULT 'opaque'`);
    await q.query(`CREATE INDEX sync_inbox_lane_idx ON sync_inbox (integration_id, record_kind, external_id, id)`);

    for (const table of ['dead_letter_entries', 'conflict_records']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_incident_id_fkey`);
      await q.query(`ALTER TABLE ${table} RENAME COLUMN incident_id TO record_id`);
      await q.query(`ALTER TABLE ${table} ADD COLUMN record_kind text NOT NULL DEFAULT 'incident'`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN record_kind DROP DEFAULT`);
      // Seed 000 names the incident's column; it stays readable for incidents.
      await q.query(`ALTER TABLE ${table} ADD COLUMN incident_id text GENERATED ALWAYS AS (CASE WHEN record_kind = 'incident' THEN record_id END) STORED`);
    }
    await q.query(`ALTER TABLE dead_letter_entries RENAME COLUMN kind TO job`);
    await q.query(`ALTER TABLE dead_letter_entries RENAME COLUMN comment_id TO journal_id`);
    await q.query(`UPDATE dead_letter_entries SET job = CASE job WHEN 'comment' THEN 'journal' ELSE 'record' END`);
    await q.query(`ALTER TABLE dead_letter_entries ADD CONSTRAINT dead_letter_entries_job_check CHECK (job IN ('record', 'journal'))`);
    await q.query(`DROP INDEX conflict_records_pending_key`);
    await q.query(`CREATE UNIQUE INDEX conflict_records_pending_key ON conflict_records (record_kind, record_id, integration_id, field_name) WHERE status = 'pending'`);

    // Removing a record removes what the engine keeps about it, whatever its kind.
    await q.query(`CREATE FUNCTION hub_record_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM integration_sync_map WHERE entity_type = TG_ARGV[0] AND entity_id = OLD.id;
        DELETE FROM record_journal WHERE record_kind = TG_ARGV[0] AND record_id = OLD.id;
        DELETE FROM sync_outbox WHERE record_kind = TG_ARGV[0] AND record_id = OLD.id;
        DELETE FROM dead_letter_entries WHERE record_kind = TG_ARGV[0] AND record_id = OLD.id;
        DELETE FROM conflict_records WHERE record_kind = TG_ARGV[0] AND record_id = OLD.id;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER incidents_removed AFTER DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION hub_record_removed('incident')`);
    await q.query(`CREATE FUNCTION hub_records_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM integration_sync_map WHERE entity_type = OLD.kind AND entity_id = OLD.id;
        DELETE FROM record_journal WHERE record_kind = OLD.kind AND record_id = OLD.id;
        DELETE FROM sync_outbox WHERE record_kind = OLD.kind AND record_id = OLD.id;
        DELETE FROM dead_letter_entries WHERE record_kind = OLD.kind AND record_id = OLD.id;
        DELETE FROM conflict_records WHERE record_kind = OLD.kind AND record_id = OLD.id;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER hub_records_removed AFTER DELETE ON hub_records FOR EACH ROW EXECUTE FUNCTION hub_records_removed()`);

    await q.query(`ALTER TABLE sync_cursors ADD COLUMN record_kind text NOT NULL DEFAULT 'incident'`);
    await q.query(`ALTER TABLE sync_cursors ALTER COLUMN record_kind DROP DEFAULT`);
    await q.query(`ALTER TABLE sync_cursors DROP CONSTRAINT sync_cursors_pkey`);
    await q.query(`ALTER TABLE sync_cursors ADD PRIMARY KEY (integration_id, record_kind)`);
  }

  private async perKind(q: QueryRunner): Promise<void> {
    // Mappings per kind: `{ "incident": [...] }`; a kind absent uses the adapter's defaults.
    await q.query(`UPDATE integration_configurations SET field_mappings = jsonb_build_object('incident', field_mappings) WHERE jsonb_typeof(field_mappings) = 'array'`);
    // Directions of kinds other than incidents; absent means the integration's direction.
    await q.query(`ALTER TABLE integration_configurations ADD COLUMN kind_directions jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE field_ownership ADD COLUMN record_kind text NOT NULL DEFAULT 'incident'`);
    await q.query(`ALTER TABLE field_ownership DROP CONSTRAINT field_ownership_integration_field_key`);
    await q.query(`ALTER TABLE field_ownership ADD CONSTRAINT field_ownership_integration_kind_field_key UNIQUE (integration_id, record_kind, field_name)`);
  }

  private async syncLog(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE external_call_audit RENAME TO integration_sync_log`);
    await q.query(`ALTER INDEX external_call_audit_integration_idx RENAME TO integration_sync_log_integration_idx`);
    await q.query(`ALTER TABLE integration_sync_log RENAME COLUMN status TO http_status`);
    await q.query(`ALTER TABLE integration_sync_log RENAME COLUMN error TO error_message`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN operation text NOT NULL DEFAULT 'request'`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN entity_type text`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN entity_id text`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN external_id text`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN status text NOT NULL DEFAULT 'success' CHECK (status IN ('success', 'error'))`);
    await q.query(`UPDATE integration_sync_log SET status = 'error' WHERE error_message IS NOT NULL OR http_status >= 400`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN request_payload jsonb`);
    await q.query(`ALTER TABLE integration_sync_log ADD COLUMN response_payload jsonb`);
    await q.query(`CREATE INDEX integration_sync_log_created_idx ON integration_sync_log (created_at)`);
  }

  async down(): Promise<void> {
    throw new Error('RecordKinds1764200000000 cannot be reverted: restore the backup taken before the upgrade.');
  }
}
