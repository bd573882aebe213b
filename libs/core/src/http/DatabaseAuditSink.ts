import type { DataSource } from 'typeorm';
import { SyncLogEntry } from '../persistence/entities/SyncLogEntry';
import type { AuditEntry, AuditSink } from './AuditSink';

/** Writes external calls to seed 001's `integration_sync_log`. */
export class DatabaseAuditSink implements AuditSink {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.getRepository(SyncLogEntry).insert({
      organizationId: entry.organizationId,
      integrationId: entry.integrationId,
      operation: entry.scope?.operation ?? 'request',
      entityType: entry.scope?.entityType ?? null,
      entityId: entry.scope?.entityId ?? null,
      externalId: entry.scope?.externalId ?? null,
      method: entry.method,
      path: entry.path,
      status: entry.error !== undefined || (entry.status ?? 0) >= 400 ? 'error' : 'success',
      httpStatus: entry.status ?? null,
      durationMs: Math.max(0, Math.round(entry.durationMs)),
      errorMessage: entry.error ?? null,
      requestPayload: (entry.requestPayload ?? null) as object | null,
      responsePayload: (entry.responsePayload ?? null) as object | null,
      createdAt: entry.at,
    });
  }
}
