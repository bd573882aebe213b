import { ErrorCodes, isHubError, type AdapterContext, type HttpRequest, type VendorFailure, type z } from '@itsm-hub/core';
import {
  AGENTS_PATH,
  DEFAULT_AUTH_PATH,
  PAGING,
  TENANT_QUERY_PARAM,
  TICKETS_PATH,
  TOKEN_PATH,
  TOKEN_SCOPE,
} from './assumptions';
import { vendorMessage } from './errors';
import {
  agentListSchema,
  ticketListSchema,
  tokenResponseSchema,
  type HaloAgentList,
  type HaloTicketList,
  type HaloTokenResponse,
} from './client/types';
import type { HaloCredentials, HaloSettings } from './schemas';

/** Outcome of one Halo call: the validated body, or what went wrong in the vendor's words. */
export type HaloCallResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status?: number; message: string; failure: VendorFailure };

/** Refresh this long before `expires_in` runs out, so no call carries a token that dies in flight. */
const TOKEN_REFRESH_MARGIN_SECONDS = 60;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Halo's HTTP API: client-credentials auth with a cached bearer token, and the reads the hub makes. */
export class HaloClient {
  private cached?: CachedToken;
  private pending?: Promise<HaloCallResult<HaloTokenResponse>>;

  constructor(private readonly context: AdapterContext<HaloCredentials, HaloSettings>) {}

  /** Instance root: users often paste the resource server URL (`.../api`), which already ends in /api. */
  get rootUrl(): string {
    return this.context.integration.baseUrl.replace(/\/+$/, '').replace(/\/api$/i, '');
  }

  get authServer(): string {
    return (this.context.credentials.auth_server ?? `${this.rootUrl}${DEFAULT_AUTH_PATH}`).replace(/\/+$/, '');
  }

  /**
   * Fetches a new token and caches it; concurrent callers share one request.
   * https://halopsa.com/apidoc/authorisation (client credentials flow)
   */
  requestToken(): Promise<HaloCallResult<HaloTokenResponse>> {
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * One page of tickets; `pageinate` (sic) switches Halo's listing to `record_count` + `tickets`.
   * https://halopsa.com/apidoc/info (resource reference; each instance serves its own at <base_url>/apidoc)
   */
  listTickets(pageNo: number, pageSize: number): Promise<HaloCallResult<HaloTicketList>> {
    return this.apiGet(TICKETS_PATH, { [PAGING.flag]: true, [PAGING.size]: pageSize, [PAGING.number]: pageNo }, ticketListSchema);
  }

  /**
   * Agents (technicians); `count` limits the bare array this endpoint answers.
   * https://halopsa.com/apidoc/info (resource reference; each instance serves its own at <base_url>/apidoc)
   */
  listAgents(count: number): Promise<HaloCallResult<HaloAgentList>> {
    return this.apiGet(AGENTS_PATH, { [PAGING.count]: count }, agentListSchema);
  }

  private async fetchToken(): Promise<HaloCallResult<HaloTokenResponse>> {
    const { client_id, client_secret, tenant } = this.context.credentials;
    const result = await this.call(
      {
        method: 'POST',
        url: `${this.authServer}${TOKEN_PATH}`,
        query: tenant ? { [TENANT_QUERY_PARAM]: tenant } : undefined,
        form: { grant_type: 'client_credentials', client_id, client_secret, scope: TOKEN_SCOPE },
        retry: true,
      },
      tokenResponseSchema,
      'token',
    );
    if (result.ok) {
      const lifetime = result.data.expires_in;
      const margin = Math.min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2);
      this.cached = { token: result.data.access_token, expiresAt: this.now() + (lifetime - margin) * 1000 };
    } else {
      this.cached = undefined;
    }
    return result;
  }

  private async apiGet<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T>): Promise<HaloCallResult<T>> {
    const cached = this.cached && this.cached.expiresAt > this.now() ? this.cached.token : undefined;
    const fromCache = cached !== undefined;
    const token = cached ?? (await this.freshToken());
    if (typeof token !== 'string') return token;
    const request = (bearer: string): HttpRequest => ({
      method: 'GET',
      url: `${this.rootUrl}${path}`,
      query,
      headers: { Authorization: `Bearer ${bearer}` },
      retry: true,
    });
    const result = await this.call(request(token), schema, path);
    // A cached token can be revoked or outlived by a server restart: mint one new token, then give up.
    if (!result.ok && result.status === 401 && fromCache) {
      this.cached = undefined;
      const retryToken = await this.freshToken();
      if (typeof retryToken !== 'string') return retryToken;
      return this.call(request(retryToken), schema, path);
    }
    return result;
  }

  private async freshToken(): Promise<string | Extract<HaloCallResult<never>, { ok: false }>> {
    const result = await this.requestToken();
    return result.ok ? result.data.access_token : result;
  }

  private async call<T>(request: HttpRequest, schema: z.ZodType<T>, what: string): Promise<HaloCallResult<T>> {
    let response;
    try {
      response = await this.context.http.request(request);
    } catch (err) {
      // Matched by code, not instanceof: the host may load another copy of core.
      if (isHubError(err) && err.code === ErrorCodes.VENDOR_TRANSPORT) {
        return { ok: false, message: err.message, failure: { type: 'transport', error: err } };
      }
      throw err;
    }
    const failure: VendorFailure = { type: 'response', status: response.status, headers: response.headers, body: response.body };
    if (response.status < 200 || response.status >= 300) {
      return { ok: false, status: response.status, message: vendorMessage(response.status, response.headers, response.body), failure };
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      return { ok: false, status: response.status, message: `Halo answered ${what} with an unexpected body: ${issues}`, failure };
    }
    return { ok: true, status: response.status, data: parsed.data };
  }

  private now(): number {
    return this.context.clock.now().getTime();
  }
}
