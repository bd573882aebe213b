import { VendorResponseError, type HttpResponse } from '@itsm-hub/core';
import type { ServiceNowClient } from '../../client/http';
import { text } from './record';

export type Lookup = { ok: true; sysId?: string } | { ok: false; status: number; response: HttpResponse };

/**
 * Resolves the names records present (user emails, group names) to sys_ids for writes. Hits are
 * cached for the adapter's lifetime; misses are not, so a user created later is found.
 */
export class ReferenceResolver {
  private readonly users = new Map<string, string>();
  private readonly groups = new Map<string, string>();

  constructor(private readonly client: ServiceNowClient) {}

  /** The sys_user with this email; `sysId` undefined when none has it. */
  userByEmail(email: string): Promise<Lookup> {
    return this.lookup(this.users, 'sys_user', 'email', email);
  }

  /** The sys_user_group with this name; `sysId` undefined when none has it. */
  groupByName(name: string): Promise<Lookup> {
    return this.lookup(this.groups, 'sys_user_group', 'name', name);
  }

  private async lookup(cache: Map<string, string>, table: string, column: string, value: string): Promise<Lookup> {
    const cached = cache.get(value);
    if (cached) return { ok: true, sysId: cached };
    // '^' separates encoded-query terms; such a value cannot be matched exactly, so it is treated as unknown.
    if (value.includes('^')) return { ok: true };
    const outcome = await this.client.listRecords(table, { sysparm_query: `${column}=${value}`, sysparm_fields: 'sys_id', sysparm_limit: '1' });
    if (!outcome.ok) return outcome;
    const sysId = outcome.records[0] ? text(outcome.records[0].sys_id) : '';
    if (outcome.records.length > 0 && !sysId) throw new VendorResponseError(`ServiceNow answered a ${table} lookup with a row without sys_id`);
    if (sysId) cache.set(value, sysId);
    return { ok: true, sysId: sysId || undefined };
  }
}
