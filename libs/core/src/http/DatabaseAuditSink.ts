import type { DataSource } from 'typeorm';
import type { AuditEntry, AuditSink } from './AuditSink';
import { sql } from '../persistence/sql';

/**
 * Writes external calls to seed 001's `integration_sync_log`: one plain statement per call, since
 * it runs for every request the hub makes and an ORM insert costs more than the row.
 */
export class DatabaseAuditSink implements AuditSink {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry): Promise<void> {
    const failed = entry.error !== undefined || (entry.status ?? 0) >= 400;
    await sql(this.db, 
      `INSERT INTO integration_sync_log (organization_id, integration_id, operation, entity_type, entity_id, external_id, method, path, status, http_status,
              duration_ms, error_message, request_payload, response_payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15)`,
      [
        entry.organizationId, entry.integrationId, entry.scope?.operation ?? 'request', entry.scope?.entityType ?? null, entry.scope?.entityId ?? null,
        entry.scope?.externalId ?? null, entry.method, entry.path, failed ? 'error' : 'success', entry.status ?? null, Math.max(0, Math.round(entry.durationMs)),
        entry.error ?? null, payload(entry.requestPayload), payload(entry.responsePayload), entry.at.toISOString(),
      ],
    );
  }
}

const payload = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
