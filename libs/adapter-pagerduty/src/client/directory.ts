import { VendorResponseError } from '@itsm-hub/core';
import type { PagerDutyClient, PagerDutyRejected } from './http';
import type { PagerDutyPriority } from './types';

export type Lookup<T> = { ok: true; value: T } | { ok: false; rejected: PagerDutyRejected } | { ok: false; missing: string };

/**
 * The account's people and priorities, read once per adapter instance: records present people as
 * emails and priorities by name, while PagerDuty writes want ids.
 */
export class PagerDutyDirectory {
  private readonly emails = new Map<string, Promise<string | undefined>>();
  private readonly userIds = new Map<string, string>();
  private priorityList?: PagerDutyPriority[];

  constructor(private readonly client: PagerDutyClient) {}

  /** The email of a user id; undefined for a user PagerDuty no longer has. Other failures throw. */
  emailOf(userId: string): Promise<string | undefined> {
    let email = this.emails.get(userId);
    if (!email) {
      email = this.client.getUser(userId).then((result) => {
        if (result.ok) return result.data.email;
        if (result.status === 404) return undefined;
        throw new VendorResponseError(`PagerDuty answered GET /users/${userId} with HTTP ${result.status}: ${result.message}`);
      });
      // A failed lookup is not cached, so the next call asks again.
      email.catch(() => this.emails.delete(userId));
      this.emails.set(userId, email);
    }
    return email;
  }

  async userIdOf(email: string): Promise<Lookup<string>> {
    const key = email.toLowerCase();
    const cached = this.userIds.get(key);
    if (cached) return { ok: true, value: cached };
    const result = await this.client.listUsers({ query: email, limit: 100 });
    if (!result.ok) return { ok: false, rejected: result };
    // `query` matches names and emails by substring, so only an exact email match counts.
    const user = result.data.users.find((u) => u.email.toLowerCase() === key);
    if (!user) return { ok: false, missing: `No PagerDuty user has the email ${email}` };
    this.userIds.set(key, user.id);
    return { ok: true, value: user.id };
  }

  /** Every priority of the account; an account with priorities turned off has none (or answers 402). */
  async priorities(): Promise<Lookup<PagerDutyPriority[]>> {
    if (this.priorityList) return { ok: true, value: this.priorityList };
    const found: PagerDutyPriority[] = [];
    for (let offset = 0; ; ) {
      const result = await this.client.listPriorities({ limit: 100, offset });
      if (!result.ok && result.status === 402) break;
      if (!result.ok) return { ok: false, rejected: result };
      found.push(...result.data.priorities);
      if (!result.data.more || result.data.priorities.length === 0) break;
      offset += result.data.priorities.length;
    }
    this.priorityList = found;
    return { ok: true, value: found };
  }
}
