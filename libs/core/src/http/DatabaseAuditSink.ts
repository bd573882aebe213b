import type { DataSource } from 'typeorm';
import { ExternalCallAudit } from '../persistence/entities/ExternalCallAudit';
import type { AuditEntry, AuditSink } from './AuditSink';

/** Writes the audit log of external calls to the `external_call_audit` table. */
export class DatabaseAuditSink implements AuditSink {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.getRepository(ExternalCallAudit).insert({
      organizationId: entry.organizationId,
      integrationId: entry.integrationId,
      method: entry.method,
      path: entry.path,
      status: entry.status ?? null,
      durationMs: Math.max(0, Math.round(entry.durationMs)),
      error: entry.error ?? null,
      createdAt: entry.at,
    });
  }
}
