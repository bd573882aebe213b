import { EmulatorApp, parseBasicAuth, type EmulatorContext } from '@itsm-hub/core';
import type { ServiceNowCredentials } from '../schemas';
import { TokenStore } from './oauth';
import { seedTables, type Row } from './seed';
import { getRow, listRows, sendError } from './tables';

export interface ServiceNowEmulatorOptions {
  credentials: ServiceNowCredentials;
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
 * In-memory ServiceNow instance: OAuth token endpoint, Basic and Bearer auth, and the Table API
 * (list and get) over seeded incident and sys_user tables.
 */
export class ServiceNowEmulator extends EmulatorApp {
  readonly tables: Record<string, Row[]> = seedTables();
  readonly tokens: TokenStore;
  readableTables?: string[];

  constructor(private readonly options: ServiceNowEmulatorOptions) {
    super();
    this.readableTables = options.readableTables;
    this.tokens = new TokenStore({
      credentials: options.credentials,
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 1799,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 8_640_000,
      clientCredentialsEnabled: options.clientCredentialsEnabled ?? true,
      now: options.now ?? Date.now,
    });
    const auth = (ctx: EmulatorContext, next: Next) => this.authenticate(ctx, next);
    this.router.post('/oauth_token.do', (ctx) => this.tokens.handle(ctx));
    this.router.get('/api/now/table/:table', auth, (ctx) => this.list(ctx, ctx.params.table));
    this.router.get('/api/now/table/:table/:sysId', auth, (ctx) => this.get(ctx, ctx.params.table, ctx.params.sysId));
    this.router.get('/api/now/:version/table/:table', auth, (ctx) => this.versioned(ctx) && this.list(ctx, ctx.params.table));
    this.router.get('/api/now/:version/table/:table/:sysId', auth, (ctx) => this.versioned(ctx) && this.get(ctx, ctx.params.table, ctx.params.sysId));
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

  private readable(ctx: EmulatorContext, table: string): Row[] | undefined {
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
    if (rows) listRows(ctx, table, rows);
  }

  private get(ctx: EmulatorContext, table: string, sysId: string): void {
    const rows = this.readable(ctx, table);
    if (rows) getRow(ctx, table, rows, sysId);
  }
}
