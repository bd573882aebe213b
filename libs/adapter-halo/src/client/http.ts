import { ErrorCodes, isHubError, type AdapterContext, type HttpRequest, type VendorFailure, type z } from '@itsm-hub/core';
import {
  ACTIONS_PATH,
  ACTIONS_TICKET_FILTER,
  AGENTS_PATH,
  DEFAULT_AUTH_PATH,
  PAGING,
  TENANT_QUERY_PARAM,
  TICKETS_PATH,
  TOKEN_PATH,
  TOKEN_SCOPE,
  ticketPath,
} from './assumptions';
import { vendorMessage } from './failures';
import {
  actionAnswerSchema,
  actionListSchema,
  agentListSchema,
  ticketListSchema,
  ticketSchema,
  tokenResponseSchema,
  upsertAnswerSchema,
  type HaloAction,
  type HaloActionList,
  type HaloAgentList,
  type HaloTicket,
  type HaloTicketList,
  type HaloTokenResponse,
} from './types';
import type { HaloCredentials, HaloSettings } from '../config';

/** Outcome of one Halo call: the validated body, or what went wrong in the vendor's words. */
export type HaloCallResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status?: number; message: string; failure: VendorFailure };

/** Refresh this long before `expires_in` runs out, so no call carries a token that dies in flight. */
const TOKEN_REFRESH_MARGIN_SECONDS = 60;

interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  query?: HttpRequest['query'];
  json?: unknown;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Halo's HTTP API: client-credentials auth with a cached bearer token, and the calls the hub makes. */
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
   * One page of tickets; `pageinate` (sic) switches Halo's listing to `record_count` + `tickets`. `filters`
   * adds Halo's ticket filters (last update, ordering, third_party_id).
   * https://halopsa.com/apidoc/info (resource reference; each instance serves its own at <base_url>/apidoc)
   */
  listTickets(pageNo: number, pageSize: number, filters: HttpRequest['query'] = {}): Promise<HaloCallResult<HaloTicketList>> {
    const query = { ...filters, [PAGING.flag]: true, [PAGING.size]: pageSize, [PAGING.number]: pageNo };
    return this.send({ method: 'GET', path: TICKETS_PATH, query }, ticketListSchema);
  }

  /** One ticket (see ASSUMPTION ticket-get). */
  getTicket(id: string): Promise<HaloCallResult<HaloTicket>> {
    return this.send({ method: 'GET', path: ticketPath(id) }, ticketSchema);
  }

  /**
   * Creates (no `id`) or updates one ticket through the array upsert (see ASSUMPTION ticket-upsert).
   * Not retried here: writes retry through the hub's outbox.
   */
  upsertTicket(ticket: Record<string, unknown>): Promise<HaloCallResult<HaloTicket>> {
    return this.send({ method: 'POST', path: TICKETS_PATH, json: [ticket] }, upsertAnswerSchema);
  }

  /** Every action of a ticket, oldest first (see ASSUMPTION actions). */
  listActions(ticketId: string): Promise<HaloCallResult<HaloActionList>> {
    return this.send({ method: 'GET', path: ACTIONS_PATH, query: { [ACTIONS_TICKET_FILTER]: ticketId } }, actionListSchema);
  }

  /** Adds one action (a note) to a ticket. */
  addAction(action: Record<string, unknown>): Promise<HaloCallResult<HaloAction>> {
    return this.send({ method: 'POST', path: ACTIONS_PATH, json: [action] }, actionAnswerSchema);
  }

  /**
   * Agents (technicians); `count` limits the bare array this endpoint answers, and leaving it out lists all.
   * https://halopsa.com/apidoc/info (resource reference; each instance serves its own at <base_url>/apidoc)
   */
  listAgents(count?: number): Promise<HaloCallResult<HaloAgentList>> {
    return this.send({ method: 'GET', path: AGENTS_PATH, query: count === undefined ? undefined : { [PAGING.count]: count } }, agentListSchema);
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

  /**
   * One resource-server call with the cached bearer token. A cached token can be revoked or outlived by a
   * server restart: on a 401 the client mints one new token and repeats the call once. Repeating a write
   * is safe here because a 401 means Halo did not apply it.
   */
  private async send<T>(call: ApiCall, schema: z.ZodType<T, unknown>): Promise<HaloCallResult<T>> {
    const cached = this.cached && this.cached.expiresAt > this.now() ? this.cached.token : undefined;
    const fromCache = cached !== undefined;
    const token = cached ?? (await this.freshToken());
    if (typeof token !== 'string') return token;
    const request = (bearer: string): HttpRequest => ({
      method: call.method,
      url: `${this.rootUrl}${call.path}`,
      query: call.query,
      json: call.json,
      headers: { Authorization: `Bearer ${bearer}` },
      retry: call.method === 'GET',
    });
    const result = await this.call(request(token), schema, `${call.method} ${call.path}`);
    if (!result.ok && result.status === 401 && fromCache) {
      this.cached = undefined;
      const retryToken = await this.freshToken();
      if (typeof retryToken !== 'string') return retryToken;
      return this.call(request(retryToken), schema, `${call.method} ${call.path}`);
    }
    return result;
  }

  private async freshToken(): Promise<string | Extract<HaloCallResult<never>, { ok: false }>> {
    const result = await this.requestToken();
    return result.ok ? result.data.access_token : result;
  }

  private async call<T>(request: HttpRequest, schema: z.ZodType<T, unknown>, what: string): Promise<HaloCallResult<T>> {
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
