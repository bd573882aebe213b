import { VendorResponseError } from '@itsm-hub/core';
import type { JiraCallResult, JiraClient } from './http';

export type AccountLookup = { ok: true; accountId: string } | { ok: false; message: string; failed?: Extract<JiraCallResult<unknown>, { ok: false }> };

/**
 * Jira addresses people by accountId; the hub by email. Account privacy settings can hide a
 * user's `emailAddress` from the API, so:
 * - email -> accountId: GET /user/search?query=<email>. A user whose visible email equals the
 *   address wins. Otherwise, when exactly one active user comes back and it hides its email, that
 *   user is taken: Jira matched the query against the hidden address (unconfirmed that every
 *   privacy setting still lets user search match on email).
 * - accountId -> email: GET /user?accountId=, cached. A hidden email falls back to the address the
 *   hub itself resolved to that account earlier, else to the stand-in `<accountId>@jira.invalid`
 *   (`:` written as `_`), which keeps the person distinct and is resolved back on write. `.invalid`
 *   is reserved (RFC 2606), so it never reaches a real mailbox.
 */
export class JiraPeople {
  private readonly emails = new Map<string, string>();
  private readonly accounts = new Map<string, string>();

  constructor(private readonly client: JiraClient) {}

  async accountIdOf(email: string): Promise<AccountLookup> {
    const key = email.toLowerCase();
    const standIn = /^([^@]+)@jira\.invalid$/.exec(key);
    if (standIn) return { ok: true, accountId: standIn[1].replace(/_/g, ':') };
    const cached = this.accounts.get(key);
    if (cached) return { ok: true, accountId: cached };
    const found = await this.client.findUsers(email, 10);
    if (!found.ok) return { ok: false, message: found.message, failed: found };
    const active = found.data.filter((u) => u.active);
    const user = active.find((u) => u.emailAddress?.toLowerCase() === key) ?? (active.length === 1 && active[0].emailAddress === undefined ? active[0] : undefined);
    if (!user) return { ok: false, message: `No active Jira user has the email ${email} (or the account lacks 'Browse users and groups')` };
    this.remember(user.accountId, user.emailAddress ?? email);
    return { ok: true, accountId: user.accountId };
  }

  /** The email of an account; transport failures and refusals other than 404 throw. */
  async emailOf(accountId: string, shown?: string): Promise<string> {
    if (shown) return shown;
    const cached = this.emails.get(accountId);
    if (cached) return cached;
    const user = await this.client.getUser(accountId);
    if (!user.ok && user.status !== 404) throw new VendorResponseError(`Jira answered GET /rest/api/3/user?accountId=${accountId} with HTTP ${user.status}: ${user.message}`);
    const email = (user.ok ? user.data.emailAddress : undefined) ?? `${accountId.replace(/:/g, '_')}@jira.invalid`;
    this.emails.set(accountId, email);
    return email;
  }

  private remember(accountId: string, email: string): void {
    this.accounts.set(email.toLowerCase(), accountId);
    this.emails.set(accountId, email);
  }
}
