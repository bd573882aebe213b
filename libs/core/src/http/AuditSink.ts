import type { AuditScope } from './auditScope';

/** One external call as the sync log keeps it: no query strings, bodies only when enabled. */
export interface AuditEntry {
  organizationId: string;
  integrationId: string;
  method: string;
  /** URL path without the query string. */
  path: string;
  status?: number;
  durationMs: number;
  error?: string;
  at: Date;
  /** The sync operation and record the call was made for, when the engine made it. */
  scope?: AuditScope;
  /** Redacted, cut bodies; present only with payload capture on. */
  requestPayload?: unknown;
  responsePayload?: unknown;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}
