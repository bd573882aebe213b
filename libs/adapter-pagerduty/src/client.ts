import type { HttpClient, HttpRequest, HttpResponse, Schema, z } from '@itsm-hub/core';
import {
  pagerDutyAbilitiesSchema,
  pagerDutyErrorBodySchema,
  pagerDutyIncidentListSchema,
  pagerDutyServiceResponseSchema,
  pagerDutyUserListSchema,
  type PagerDutyAbilities,
  type PagerDutyIncidentList,
  type PagerDutyService,
  type PagerDutyUserList,
} from './client/types';
import type { PagerDutyCredentials } from './schemas';

/** Base URL of PagerDuty's REST API; integrations point elsewhere only for the emulator. */
export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';

/** Answered with 2xx and a body of the documented shape. */
export interface PagerDutyOk<T> {
  ok: true;
  status: number;
  data: T;
}

/** Any other answer: an error status, or a 2xx whose body is not what PagerDuty documents. */
export interface PagerDutyRejected {
  ok: false;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** PagerDuty's own message, or a description of the malformed body. */
  message: string;
}

export type PagerDutyResult<T> = PagerDutyOk<T> | PagerDutyRejected;

/**
 * PagerDuty REST API v2 calls. Statuses come back as results; a call that got no response throws
 * core's `TransportError` (from `http.request`), which callers turn into a reachability failure.
 */
export class PagerDutyClient {
  constructor(
    private readonly http: HttpClient,
    private readonly credentials: PagerDutyCredentials,
  ) {}

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1abilities/get
  listAbilities(): Promise<PagerDutyResult<PagerDutyAbilities>> {
    return this.get({ url: '/abilities' }, pagerDutyAbilitiesSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents/get
  listIncidents(query: { limit?: number; offset?: number } = {}): Promise<PagerDutyResult<PagerDutyIncidentList>> {
    return this.get({ url: '/incidents', query }, pagerDutyIncidentListSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1services~1%7Bid%7D/get
  async getService(id: string): Promise<PagerDutyResult<PagerDutyService>> {
    const result = await this.get({ url: `/services/${encodeURIComponent(id)}` }, pagerDutyServiceResponseSchema);
    return result.ok ? { ...result, data: result.data.service } : result;
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1users/get
  listUsers(query: { query?: string; limit?: number; offset?: number } = {}): Promise<PagerDutyResult<PagerDutyUserList>> {
    return this.get({ url: '/users', query }, pagerDutyUserListSchema);
  }

  private async get<T>(req: Pick<HttpRequest, 'url' | 'query'>, schema: z.ZodType<T>): Promise<PagerDutyResult<T>> {
    const response = await this.http.request({ ...req, method: 'GET', headers: this.headers(), retry: true });
    return interpret(`GET ${req.url}`, response, schema);
  }

  private headers(): Record<string, string> {
    return {
      Authorization: `Token token=${this.credentials.token}`,
      // PagerDuty versions its REST API through the Accept header, not the path.
      Accept: 'application/vnd.pagerduty+json;version=2',
    };
  }
}

function interpret<T>(call: string, response: HttpResponse, schema: Schema<T>): PagerDutyResult<T> {
  const { status, headers, body } = response;
  if (status < 200 || status >= 300) return { ok: false, status, headers, body, message: vendorMessage(body, status) };
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, status, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  return {
    ok: false,
    status,
    headers,
    body,
    message: `PagerDuty answered ${call} with an unexpected body${where}: ${issue?.message ?? 'not JSON'}`,
  };
}

/**
 * PagerDuty's message from its error body (`{"error":{"message","code","errors"}}`), with the
 * details it lists; falls back to the raw text, then to the status, for bodies from proxies.
 */
export function vendorMessage(body: unknown, status: number): string {
  const parsed = pagerDutyErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { message, errors } = parsed.data.error;
    const details = Array.isArray(errors) ? errors : errors ? Object.entries(errors).map(([k, v]) => `${k}: ${String(v)}`) : [];
    const text = [message, ...details].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (text.length > 0) return text.join(': ');
  }
  if (typeof body === 'string' && body.trim().length > 0) return body.trim().slice(0, 500);
  return `HTTP ${status}`;
}
