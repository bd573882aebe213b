/** One external call as the audit log keeps it: no bodies, no query values that could hold secrets. */
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
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}
