import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE organizations (
      id text PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE api_tokens (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'member')),
      token_hash text NOT NULL UNIQUE,
      token_hint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
    await q.query(`CREATE INDEX api_tokens_organization_idx ON api_tokens (organization_id)`);
    await q.query(`CREATE TABLE integration_configurations (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_type text NOT NULL,
      name text NOT NULL,
      base_url text NOT NULL,
      credentials_encrypted bytea NOT NULL,
      credential_keys jsonb NOT NULL DEFAULT '[]',
      sync_direction text NOT NULL CHECK (sync_direction IN ('none', 'inbound', 'outbound', 'bidirectional')),
      enabled boolean NOT NULL DEFAULT true,
      webhook_secret_encrypted bytea,
      conflict_strategy text NOT NULL CHECK (conflict_strategy IN ('last-write-wins', 'ownership-priority', 'manual-review')),
      rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
      settings jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT integration_configurations_org_name_key UNIQUE (organization_id, name)
    )`);
    await q.query(`CREATE TABLE field_ownership (
      id text PRIMARY KEY,
      integration_id text NOT NULL REFERENCES integration_configurations(id) ON DELETE CASCADE,
      field_name text NOT NULL,
      owner text NOT NULL CHECK (owner IN ('platform', 'external')),
      priority integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT field_ownership_integration_field_key UNIQUE (integration_id, field_name)
    )`);
    await q.query(`CREATE TABLE external_call_audit (
      id bigserial PRIMARY KEY,
      organization_id text NOT NULL,
      integration_id text NOT NULL,
      method text NOT NULL,
      path text NOT NULL,
      status integer,
      duration_ms integer NOT NULL,
      error text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX external_call_audit_integration_idx ON external_call_audit (integration_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE external_call_audit`);
    await q.query(`DROP TABLE field_ownership`);
    await q.query(`DROP TABLE integration_configurations`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE organizations`);
  }
}
