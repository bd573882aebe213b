import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { sql } from '../persistence/sql';
import type { AuditEntry, AuditSink } from './AuditSink';

/** How long an entry may wait to be written, and how many go in one statement. */
const FLUSH_AFTER_MS = 200;
const MAX_ROWS = 200;

/**
 * Writes external calls to seed 001's `integration_sync_log` off the hot path: entries are kept in
 * memory and written in one multi-row statement every 200 ms (or every 200 calls), so a platform
 * call costs no database round trip of its own. `flush` writes what is waiting (at shutdown, and
 * where a user waits to read it, as after a connection test); a crash loses at most the last
 * 200 ms of entries, never a sync change.
 */
@injectable()
export class DatabaseAuditSink implements AuditSink {
  private waiting: AuditEntry[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    this.waiting.push(entry);
    if (this.waiting.length >= MAX_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes every waiting entry; resolves once they (and earlier flushes) are stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.waiting.splice(0);
    this.writing = this.writing.then(() => (entries.length > 0 ? this.write(entries) : undefined));
    return this.writing;
  }

  private async write(entries: AuditEntry[]): Promise<void> {
    const rows = entries.map((entry) => ({
      organization_id: entry.organizationId, integration_id: entry.integrationId, operation: entry.scope?.operation ?? 'request', entity_type: entry.scope?.entityType ?? null,
      entity_id: entry.scope?.entityId ?? null, external_id: entry.scope?.externalId ?? null, method: entry.method, path: entry.path,
      status: entry.error !== undefined || (entry.status ?? 0) >= 400 ? 'error' : 'success', http_status: entry.status ?? null, duration_ms: Math.max(0, Math.round(entry.durationMs)),
      error_message: entry.error ?? entry.scope?.warning ?? null, request_payload: entry.requestPayload ?? null, response_payload: entry.responsePayload ?? null, created_at: entry.at.toISOString(),
    }));
    try {
      await sql(this.db,
        `INSERT INTO integration_sync_log (organization_id, integration_id, operation, entity_type, entity_id, external_id, method, path, status, http_status,
                duration_ms, error_message, request_payload, response_payload, created_at)
         SELECT organization_id, integration_id, operation, entity_type, entity_id, external_id, method, path, status, http_status,
                duration_ms, error_message, request_payload, response_payload, created_at
           FROM jsonb_to_recordset($1::jsonb) AS r (organization_id text, integration_id text, operation text, entity_type text, entity_id text, external_id text,
                method text, path text, status text, http_status int, duration_ms int, error_message text, request_payload jsonb, response_payload jsonb, created_at timestamptz)`,
        [JSON.stringify(rows)],
      );
    } catch (err) {
      this.logger.warn({ entries: entries.length, err: (err as Error).message }, 'could not write the sync log entries of external calls');
    }
  }
}
