import { AsyncLocalStorage } from 'node:async_hooks';

/** What a platform call is for: the sync operation and the record it is about. */
export interface AuditScope {
  operation: string;
  entityType?: string;
  entityId?: string;
  externalId?: string;
  /** Why the engine made this call despite a problem (a field left out), kept with the call in the sync log. */
  warning?: string;
}

const storage = new AsyncLocalStorage<AuditScope>();

/**
 * Runs `work` with its HTTP calls attributed to `scope` in the sync log. Adapters make the calls;
 * the engine knows what they are for, and this carries that across the adapter without changing
 * the SPI.
 */
export function withAuditScope<T>(scope: AuditScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentAuditScope(): AuditScope | undefined {
  return storage.getStore();
}
