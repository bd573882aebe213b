import { createHmac } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { parseBasicAuth } from '@itsm-hub/core';
import { EmulatorApp, requestBody, type EmulatorContext, type RateLimitState } from '@itsm-hub/core/emulator';
import type { ServiceNowCredentials } from '../config';
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '../webhooks';
import { insertIncident, instantOf, updateIncident, type IncidentWrite } from './incidents';
import { TokenStore } from './oauth';
import { INCIDENT_WRITE_ROLES } from '../kinds/incident/writeAccess';
import { seedTables, type ApiUser, type Row } from './seed';
import type { RowLookup } from './fields';
import { acceptsDisplayValue, getRow, listRows, render, sendError, sendJson, sendNotFound } from './tables';

/** Tables the API user may write through the Table API; the emulator keeps the rest read-only. */
const WRITABLE_TABLES = ['incident'];
/** sys_id of the emulated Rate Limit Rule [sys_rate_limit_rules] that counts the hub's calls. */
const RATE_LIMIT_RULE_SYS_ID = '7d4d1c2e1b3a2010c0a8f1d3b24bcb4e';

export interface ServiceNowEmulatorOptions {
  credentials: ServiceNowCredentials;
  /**
   * Roles of the user every authenticated call acts as (default `admin`), listed in sys_user_has_role.
   * Writes to incident need one of the roles that may write incidents, as the base-system ACLs do.
   */
  apiUserRoles?: string[];
  /**
   * The README's Business Rule script the instance runs: `current` signs a sent_at into every
   * delivery; `unsigned-timestamp` is the script before it, which signs none (default current).
   */
  webhookScript?: 'current' | 'unsigned-timestamp';
  /** Tables the API user may read (default: all). Others answer 403 like an ACL denial. */
  readableTables?: string[];
  /** Access token lifetime in seconds (default 1799, as instances answer). */
  accessTokenLifetimeSeconds?: number;
  /** Refresh token lifetime in seconds (default 100 days; unconfirmed). */
  refreshTokenLifetimeSeconds?: number;
  /** Whether the client_credentials grant is enabled (default true; off by default on real instances). */
  clientCredentialsEnabled?: boolean;
  /** Time source in epoch milliseconds (default Date.now), so tests can expire tokens. */
  now?: () => number;
}

type Next = () => Promise<unknown>;

/**
 * In-memory ServiceNow instance: OAuth token endpoint, Basic and Bearer auth, the Table API (list,
 * get, and POST/PATCH/PUT on incident) over seeded incident, sys_user, sys_user_group,
 * sys_journal_field, sys_user_role and sys_user_has_role tables, and the hub's signed webhook after
 * every incident change.
 */
export class ServiceNowEmulator extends EmulatorApp {
  readonly tables: Record<string, Row[]>;
  readonly tokens: TokenStore;
  readableTables?: string[];
  webhookScript: NonNullable<ServiceNowEmulatorOptions['webhookScript']>;
  private readonly apiUser: ApiUser;

  constructor(private readonly options: ServiceNowEmulatorOptions) {
    super({ now: options.now });
    this.apiUser = { userName: options.credentials.username ?? 'admin', roles: options.apiUserRoles ?? ['admin'] };
    this.tables = seedTables(this.apiUser);
    this.readableTables = options.readableTables;
    this.webhookScript = options.webhookScript ?? 'current';
    this.tokens = new TokenStore({
      credentials: options.credentials,
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 1799,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 8_640_000,
      clientCredentialsEnabled: options.clientCredentialsEnabled ?? true,
      now: this.now,
    });
    const auth = (ctx: EmulatorContext, next: Next) => this.authenticate(ctx, next);
    this.router.post('/oauth_token.do', (ctx) => this.tokens.handle(ctx));
    this.router.get('/api/now/table/:table', auth, (ctx) => this.list(ctx, ctx.params.table));
    this.router.get('/api/now/table/:table/:sysId', auth, (ctx) => this.get(ctx, ctx.params.table, ctx.params.sysId));
    this.router.get('/api/now/:version/table/:table', auth, (ctx) => this.versioned(ctx) && this.list(ctx, ctx.params.table));
    this.router.get('/api/now/:version/table/:table/:sysId', auth, (ctx) => this.versioned(ctx) && this.get(ctx, ctx.params.table, ctx.params.sysId));
    this.router.post('/api/now/table/:table', auth, (ctx) => this.insert(ctx, ctx.params.table));
    this.router.post('/api/now/:version/table/:table', auth, (ctx) => this.versioned(ctx) && this.insert(ctx, ctx.params.table));
    for (const method of ['patch', 'put'] as const) {
      this.router[method]('/api/now/table/:table/:sysId', auth, (ctx) => this.update(ctx, ctx.params.table, ctx.params.sysId));
      this.router[method]('/api/now/:version/table/:table/:sysId', auth, (ctx) => this.versioned(ctx) && this.update(ctx, ctx.params.table, ctx.params.sysId));
    }
  }

  protected override faultBody(status: number): unknown {
    // Injected faults answer in the Table API envelope; the 429 wording is unconfirmed.
    const message = status === 429 ? 'Rate limit exceeded' : (STATUS_CODES[status] ?? 'Error');
    return { error: { message, detail: null }, status: 'failure' };
  }

  /**
   * Sent while a Rate Limit Rule matches (docs "Inbound REST API rate limiting"): its limit in
   * requests per hour, the UNIX time the count resets and the rule's sys_id. No such rule stands
   * behind a 429 injected on its own (semaphores and quotas answer 429 too), so that one carries none.
   */
  protected override rateLimitHeaders(state: RateLimitState): Record<string, string> {
    if (state.limit === undefined) return {};
    return {
      'X-RateLimit-Limit': String(Math.round((state.limit * 3600) / state.windowSeconds)),
      'X-RateLimit-Reset': String(Math.ceil(state.resetAtMs / 1000)),
      'X-RateLimit-Rule': RATE_LIMIT_RULE_SYS_ID,
    };
  }

  protected override signWebhook(raw: string, secret: string, deliveryId: string): Record<string, string> {
    const signature = createHmac('sha256', secret).update(raw, 'utf8').digest('hex');
    return { [SIGNATURE_HEADER]: `sha256=${signature}`, [DELIVERY_HEADER]: deliveryId };
  }

  protected override resetState(): void {
    const fresh = seedTables(this.apiUser);
    for (const key of Object.keys(this.tables)) delete this.tables[key];
    Object.assign(this.tables, fresh);
  }

  /** Adds rows as they are, for benchmarks that need a large table without a request per row. */
  seedRows(table: string, rows: Row[]): void {
    if (!this.tables[table]) throw new Error(`The emulator has no ${table} table`);
    this.tables[table].push(...rows);
  }

  private readonly lookup: RowLookup = (table, sysId) => this.tables[table]?.find((r) => r.sys_id === sysId);

  private insert(ctx: EmulatorContext, table: string): void {
    const body = this.writable(ctx, table);
    if (!body) return;
    const outcome = insertIncident(this.writeContext(), body);
    if (!outcome.ok) return sendError(ctx, outcome.status, outcome.message, outcome.detail);
    ctx.set('Location', `${ctx.protocol}://${ctx.host}/api/now/table/${table}/${outcome.row.sys_id}`);
    this.written(ctx, table, 201, outcome);
  }

  private update(ctx: EmulatorContext, table: string, sysId: string): void {
    const body = this.writable(ctx, table);
    if (!body) return;
    const row = this.tables[table].find((r) => r.sys_id === sysId);
    if (!row) return sendNotFound(ctx);
    const outcome = updateIncident(this.writeContext(), row, body);
    if (!outcome.ok) return sendError(ctx, outcome.status, outcome.message, outcome.detail);
    this.written(ctx, table, 200, outcome);
  }

  private written(ctx: EmulatorContext, table: string, status: number, outcome: Extract<IncidentWrite, { ok: true }>): void {
    // What the README's Business Rules do on a real instance, for changes from any client.
    for (const payload of outcome.payloads) this.deliverWebhook(payload);
    sendJson(ctx, status, { result: render(ctx, table, outcome.row, this.lookup) });
  }

  /** The JSON object body of a write to a writable table, or undefined once an error was sent. */
  private writable(ctx: EmulatorContext, table: string): Record<string, unknown> | undefined {
    if (!this.readable(ctx, table)) return undefined;
    if (!WRITABLE_TABLES.includes(table)) {
      // Wording unconfirmed: the emulator's API user simply has no write ACL on other tables.
      sendError(ctx, 403, 'Operation Failed', `No write access to table ${table}`);
      return undefined;
    }
    if (!this.holdsAny(INCIDENT_WRITE_ROLES)) {
      // The answer commonly reported for a create or update that the table's ACLs deny.
      sendError(ctx, 403, 'Operation Failed', `ACL Exception ${ctx.method === 'POST' ? 'Insert' : 'Update'} Failed due to security constraints`);
      return undefined;
    }
    const body = requestBody(ctx);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      // Wording unconfirmed.
      sendError(ctx, 400, 'Exception while reading request', 'The payload is not a JSON object');
      return undefined;
    }
    return body as Record<string, unknown>;
  }

  private writeContext() {
    const sentAtMs = this.webhookScript === 'unsigned-timestamp' ? undefined : this.now();
    return { tables: this.tables, at: instantOf(this.now()), user: this.apiUser.userName, sentAtMs };
  }

  private apiUserId(): string {
    return this.tables.sys_user.find((u) => u.user_name === this.apiUser.userName)?.sys_id ?? '';
  }

  /** Reads the grants from sys_user_has_role, so a test that edits that table changes what the user may do. */
  private holdsAny(roles: readonly string[]): boolean {
    const id = this.apiUserId();
    return this.tables.sys_user_has_role.some((grant) => grant.user === id && roles.includes(this.lookup('sys_user_role', grant.role)?.name ?? ''));
  }

  private async authenticate(ctx: EmulatorContext, next: Next): Promise<void> {
    const header = ctx.get('Authorization');
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const basic = parseBasicAuth(header);
    const { username, password } = this.options.credentials;
    const basicOk = basic !== undefined && username !== undefined && basic.user === username && basic.password === password;
    if ((bearer !== undefined && this.tokens.verify(bearer)) || basicOk) {
      await next();
      return;
    }
    sendError(ctx, 401, 'User Not Authenticated', 'Required to provide Auth information');
  }

  private versioned(ctx: EmulatorContext): boolean {
    if (/^v\d+$/.test(ctx.params.version)) return true;
    // Wording of this answer is unconfirmed.
    sendError(ctx, 400, 'Requested URI does not represent any resource', null);
    return false;
  }

  /** The table's rows when the request may read it; otherwise undefined, with the answer sent. Every table route passes here. */
  private readable(ctx: EmulatorContext, table: string): Row[] | undefined {
    if (!acceptsDisplayValue(ctx)) return undefined;
    const rows = this.tables[table];
    // Wording of the unknown-table answer is commonly reported; unconfirmed.
    if (!rows) {
      sendError(ctx, 400, `Invalid table ${table}`, null);
      return undefined;
    }
    if (this.readableTables && !this.readableTables.includes(table)) {
      sendError(ctx, 403, 'Insufficient rights to query records', `No read access to table ${table}`);
      return undefined;
    }
    return rows;
  }

  private list(ctx: EmulatorContext, table: string): void {
    const rows = this.readable(ctx, table);
    if (rows) listRows(ctx, table, rows, this.lookup, this.apiUserId());
  }

  private get(ctx: EmulatorContext, table: string, sysId: string): void {
    const rows = this.readable(ctx, table);
    if (rows) getRow(ctx, table, rows, sysId, this.lookup);
  }
}
