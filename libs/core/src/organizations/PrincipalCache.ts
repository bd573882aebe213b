import { injectable } from 'tsyringe';
import type { Principal } from '../security/Principal';

/**
 * How long an authenticated token is trusted without asking the database. A token revoked through
 * this process stops working at once (the cache is cleared); one revoked through another hub
 * process stops working there within this time.
 */
export const PRINCIPAL_FRESH_MS = 1_000;
const MAX_ENTRIES = 10_000;

/** Principals by token hash, one cache per hub, so a request costs no round trip for its token. */
@injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  get(hash: string, now: number): Principal | undefined {
    const entry = this.entries.get(hash);
    if (entry && entry.until > now) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, principal: Principal, now: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { principal, until: now + PRINCIPAL_FRESH_MS });
  }

  clear(): void {
    this.entries.clear();
  }
}
