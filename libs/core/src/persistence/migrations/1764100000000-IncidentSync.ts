import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Canonical incidents, their journal, external links, the outbox/inbox, conflicts and dead letters. */
export class IncidentSync1764100000000 implements MigrationInterface {
  name = 'IncidentSync1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integration_configurations ADD COLUMN field_mappings jsonb`);
    await q.query(`CREATE TABLE incidents (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text,
      status text NOT NULL,
      priority text,
      impact integer,
      urgency integer,
      assignee text,
      assignment_group text,
      category text,
      subcategory text,
      service text,
      caller text,
      resolution_note text,
      field_changes jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      origin text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX incidents_org_updated_idx ON incidents (organization_id, updated_at DESC, id)`);
    await q.query(`CREATE TABLE incident_comments (
      id text PRIMARY KEY,
      seq bigserial UNIQUE,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      body text NOT NULL,
      author text,
      visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
      origin text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX incident_comments_incident_idx ON incident_comments (incident_id, seq)`);
    await q.query(`CREATE TABLE incident_external_links (
      id text PRIMARY KEY,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      external_id text,
      external_number text,
      external_url text,
      sync_status text NOT NULL CHECK (sync_status IN ('pending', 'synced', 'error', 'conflict', 'dead_letter')),
      retry_count integer NOT NULL DEFAULT 0,
      last_synced_version text,
      last_synced_hash text,
      base jsonb NOT NULL DEFAULT '{}',
      in_flight jsonb NOT NULL DEFAULT '{}',
      ignored jsonb NOT NULL DEFAULT '{}',
      last_error text,
      last_synced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT incident_external_links_incident_integration_key UNIQUE (incident_id, integration_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX incident_external_links_external_key ON incident_external_links (integration_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE TABLE incident_comment_links (
      comment_id text NOT NULL REFERENCES incident_comments(id) ON DELETE CASCADE,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      external_comment_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (comment_id, integration_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX incident_comment_links_external_key ON incident_comment_links (integration_id, external_comment_id) WHERE external_comment_id IS NOT NULL`);
    await q.query(`CREATE TABLE sync_outbox (
      id bigserial PRIMARY KEY,
      organization_id text NOT NULL,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('incident', 'comment')),
      comment_id text,
      origin text NOT NULL,
      corrective boolean NOT NULL DEFAULT false,
      fields jsonb NOT NULL DEFAULT '[]',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_expires_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX sync_outbox_lane_idx ON sync_outbox (integration_id, incident_id, id)`);
    await q.query(`CREATE TABLE sync_inbox (
      id bigserial PRIMARY KEY,
      organization_id text NOT NULL,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      external_id text NOT NULL,
      delivery_id text NOT NULL,
      source text NOT NULL CHECK (source IN ('webhook', 'poll')),
      event jsonb NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_expires_at timestamptz,
      last_error text,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX sync_inbox_lane_idx ON sync_inbox (integration_id, external_id, id)`);
    // Replays are dropped by delivery id; kept after processing so a late replay is still recognised.
    await q.query(`CREATE TABLE webhook_deliveries (
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      delivery_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (integration_id, delivery_id)
    )`);
    await q.query(`CREATE TABLE conflict_records (
      id text PRIMARY KEY,
      organization_id text NOT NULL,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      field_name text NOT NULL,
      external_field text NOT NULL,
      platform_value text,
      external_value text,
      base_value text,
      status text NOT NULL CHECK (status IN ('pending', 'resolved', 'ignored')),
      resolution text,
      strategy text NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz
    )`);
    await q.query(`CREATE INDEX conflict_records_org_idx ON conflict_records (organization_id, status, detected_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX conflict_records_pending_key ON conflict_records (incident_id, integration_id, field_name) WHERE status = 'pending'`);
    await q.query(`CREATE TABLE dead_letter_entries (
      id text PRIMARY KEY,
      organization_id text NOT NULL,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL,
      comment_id text,
      origin text NOT NULL,
      corrective boolean NOT NULL DEFAULT false,
      request jsonb,
      error_message text NOT NULL,
      error_status integer,
      error_kind text,
      attempts integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX dead_letter_entries_integration_idx ON dead_letter_entries (integration_id, created_at DESC)`);
    await q.query(`CREATE TABLE sync_cursors (
      integration_id text PRIMARY KEY REFERENCES integration_configurations(id) ON DELETE CASCADE,
      cursor text,
      next_poll_at timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_expires_at timestamptz,
      last_polled_at timestamptz,
      last_error text
    )`);
    await q.query(`CREATE TABLE sync_rate_events (
      id bigserial PRIMARY KEY,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      at timestamptz NOT NULL,
      slots integer NOT NULL DEFAULT 1 CHECK (slots > 0)
    )`);
    await q.query(`CREATE INDEX sync_rate_events_integration_idx ON sync_rate_events (integration_id, at)`);
    await q.query(`CREATE TABLE sync_integration_state (
      integration_id text PRIMARY KEY REFERENCES integration_configurations(id) ON DELETE CASCADE,
      last_success_at timestamptz,
      last_error_at timestamptz,
      last_error text
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sync_integration_state', 'sync_rate_events', 'sync_cursors', 'dead_letter_entries', 'conflict_records', 'webhook_deliveries', 'sync_inbox', 'sync_outbox', 'incident_comment_links', 'incident_external_links', 'incident_comments', 'incidents']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE integration_configurations DROP COLUMN field_mappings`);
  }
}
