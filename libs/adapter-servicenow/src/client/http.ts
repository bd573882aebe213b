import { VendorResponseError, type Clock, type HttpClient, type HttpRequest, type HttpResponse } from '@itsm-hub/core';
import { tableListSchema, tableRecordResultSchema, tokenResponseSchema, type TableRecord } from './types';
import type { ServiceNowCredentials, ServiceNowSettings } from '../config';

export type AuthMode = 'oauth_password' | 'oauth_client_credentials' | 'basic';

/** Picks the auth mode from validated credentials: OAuth wins when a client is configured. */
export function authModeOf(credentials: ServiceNowCredentials): AuthMode | undefined {
  const user = Boolean(credentials.username && credentials.password);
  if (credentials.client_id && credentials.client_secret) return user ? 'oauth_password' : 'oauth_client_credentials';
  return user ? 'basic' : undefined;
}

export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

export type TableListOutcome =
  | { ok: true; status: number; records: TableRecord[]; total?: number }
  | { ok: false; status: number; response: HttpResponse };

export type TableRecordOutcome =
  | { ok: true; status: number; record: TableRecord }
  | { ok: false; status: number; response: HttpResponse };

interface CachedToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms after which the token is renewed, a little before the instance expires it. */
  renewAt: number;
}

type Bearer = { token: string } | { failed: HttpResponse };

const TOKEN_PATH = '/oauth_token.do';

/**
 * ServiceNow HTTP calls with authentication. OAuth tokens are cached until shortly before
 * `expires_in`, renewed with the refresh token when there is one, and re-obtained once when an
 * API call answers 401. Statuses are returned, never thrown; transport failures throw TransportError.
 */
export class ServiceNowClient {
  private token?: CachedToken;
  private renewing?: Promise<Bearer>;

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
    private readonly credentials: ServiceNowCredentials,
    private readonly settings: ServiceNowSettings,
    readonly authMode: AuthMode,
  ) {}

  /**
   * Runs the configured grant now, ignoring the cache, and returns the token endpoint's answer.
   * Throws VendorResponseError when a 200 answer is not a token.
   */
  async requestToken(): Promise<HttpResponse> {
    const response = await this.postToken(this.primaryGrant());
    if (response.status === 200) this.store(response);
    else this.token = undefined;
    return response;
  }

  /**
   * Lists records of a table; throws VendorResponseError when a 200 answer lacks the result array.
   * https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html#title_table-GET
   */
  async listRecords(table: string, params: Record<string, string>): Promise<TableListOutcome> {
    const response = await this.send({ method: 'GET', url: this.tablePath(table), query: params, retry: true });
    if (response.status !== 200) return { ok: false, status: response.status, response };
    const parsed = tableListSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new VendorResponseError(`ServiceNow answered GET ${this.tablePath(table)} with an unexpected body: ${describeIssues(parsed.error.issues)}`);
    }
    // sysparm_no_count suppresses X-Total-Count, so it may be absent.
    const header = response.headers['x-total-count'];
    const total = header === undefined ? undefined : Number(header);
    return { ok: true, status: 200, records: parsed.data.result, total: Number.isFinite(total) ? total : undefined };
  }

  /** GET /{table}/{sys_id}; a missing record is the 404 outcome. */
  async getRecord(table: string, sysId: string, params: Record<string, string>): Promise<TableRecordOutcome> {
    const url = `${this.tablePath(table)}/${encodeURIComponent(sysId)}`;
    return this.oneRecord(url, await this.send({ method: 'GET', url, query: params, retry: true }));
  }

  /** POST /{table}. Not retried here: a repeated create would duplicate, so retries go through the outbox. */
  async createRecord(table: string, body: Record<string, string>, params: Record<string, string>): Promise<TableRecordOutcome> {
    const url = this.tablePath(table);
    return this.oneRecord(url, await this.send({ method: 'POST', url, json: body, query: params }));
  }

  /** PATCH /{table}/{sys_id} with only the given fields. */
  async updateRecord(table: string, sysId: string, body: Record<string, string>, params: Record<string, string>): Promise<TableRecordOutcome> {
    const url = `${this.tablePath(table)}/${encodeURIComponent(sysId)}`;
    return this.oneRecord(url, await this.send({ method: 'PATCH', url, json: body, query: params }));
  }

  private oneRecord(url: string, response: HttpResponse): TableRecordOutcome {
    if (response.status !== 200 && response.status !== 201) return { ok: false, status: response.status, response };
    const parsed = tableRecordResultSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new VendorResponseError(`ServiceNow answered ${url} with an unexpected body: ${describeIssues(parsed.error.issues)}`);
    }
    return { ok: true, status: response.status, record: parsed.data.result };
  }

  /** https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (versioned form /api/now/{api_version}/table) */
  tablePath(table: string): string {
    const version = this.settings.api_version;
    return version ? `/api/now/${version}/table/${table}` : `/api/now/table/${table}`;
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    if (this.authMode === 'basic') {
      const basic = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64');
      return this.http.request(withAuthorization(request, `Basic ${basic}`));
    }
    let bearer = await this.bearer();
    if ('failed' in bearer) return bearer.failed;
    const response = await this.http.request(withAuthorization(request, `Bearer ${bearer.token}`));
    // A token the instance revoked or expired early answers 401: obtain a new one, once.
    if (response.status !== 401) return response;
    if (this.token) this.token = { ...this.token, renewAt: 0 };
    bearer = await this.bearer();
    if ('failed' in bearer) return bearer.failed;
    return this.http.request(withAuthorization(request, `Bearer ${bearer.token}`));
  }

  private async bearer(): Promise<Bearer> {
    if (this.token && this.clock.now().getTime() < this.token.renewAt) return { token: this.token.accessToken };
    // Concurrent callers share one token call.
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renew(): Promise<Bearer> {
    const refreshToken = this.token?.refreshToken;
    if (refreshToken) {
      const refreshed = await this.postToken({
        grant_type: 'refresh_token',
        client_id: this.credentials.client_id ?? '',
        client_secret: this.credentials.client_secret ?? '',
        refresh_token: refreshToken,
      });
      // The refresh grant returns only an access token: the refresh token stays the same.
      if (refreshed.status === 200) return { token: this.store(refreshed, refreshToken) };
    }
    const response = await this.requestToken();
    return this.token && response.status === 200 ? { token: this.token.accessToken } : { failed: response };
  }

  /**
   * https://docs.servicenow.com/bundle/xanadu-platform-security/page/administer/security/reference/r_OAuthAPIRequestParameters.html
   * The endpoint takes form encoding only; a JSON body gives an unspecified error.
   */
  private postToken(form: Record<string, string>): Promise<HttpResponse> {
    return this.http.request({ method: 'POST', url: TOKEN_PATH, form, retry: true });
  }

  private primaryGrant(): Record<string, string> {
    const client = { client_id: this.credentials.client_id ?? '', client_secret: this.credentials.client_secret ?? '' };
    if (this.authMode === 'oauth_password') {
      return { grant_type: 'password', ...client, username: this.credentials.username ?? '', password: this.credentials.password ?? '' };
    }
    // client_credentials is off by default on instances (Washington DC+): an admin must enable it.
    return { grant_type: 'client_credentials', ...client };
  }

  private store(response: HttpResponse, previousRefreshToken?: string): string {
    const parsed = tokenResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new VendorResponseError(`ServiceNow answered POST ${TOKEN_PATH} with an unexpected body: ${describeIssues(parsed.error.issues)}`);
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.token = {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token ?? previousRefreshToken,
      renewAt: this.clock.now().getTime() + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
    };
    return parsed.data.access_token;
  }
}

function withAuthorization(request: HttpRequest, authorization: string): HttpRequest {
  return { ...request, headers: { ...request.headers, Authorization: authorization } };
}
