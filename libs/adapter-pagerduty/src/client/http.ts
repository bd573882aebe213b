import type { HttpClient, HttpMethod, HttpRequest, HttpResponse, Schema, z } from '@itsm-hub/core';
import {
  pagerDutyAbilitiesSchema,
  pagerDutyErrorBodySchema,
  pagerDutyIncidentListSchema,
  pagerDutyIncidentResponseSchema,
  pagerDutyLogEntryListSchema,
  pagerDutyNoteListSchema,
  pagerDutyNoteResponseSchema,
  pagerDutyPriorityListSchema,
  pagerDutyServiceResponseSchema,
  pagerDutyUserListSchema,
  pagerDutyUserResponseSchema,
  type PagerDutyAbilities,
  type PagerDutyIncident,
  type PagerDutyIncidentList,
  type PagerDutyLogEntryList,
  type PagerDutyNote,
  type PagerDutyPriorityList,
  type PagerDutyService,
  type PagerDutyUser,
  type PagerDutyUserList,
} from './types';
import type { PagerDutyCredentials } from '../config';

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
  listIncidents(
    query: { limit?: number; offset?: number; total?: boolean; incident_key?: string; date_range?: 'all'; since?: string; until?: string; sort_by?: string } = {},
    lists: { 'service_ids[]'?: string[]; 'statuses[]'?: string[] } = {},
  ): Promise<PagerDutyResult<PagerDutyIncidentList>> {
    return this.get({ url: `/incidents${repeated(lists)}`, query }, pagerDutyIncidentListSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents~1%7Bid%7D/get
  async getIncident(id: string): Promise<PagerDutyResult<PagerDutyIncident>> {
    return unwrap(await this.get({ url: `/incidents/${encodeURIComponent(id)}` }, pagerDutyIncidentResponseSchema), (d) => d.incident);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents/post
  async createIncident(from: string, incident: Record<string, unknown>): Promise<PagerDutyResult<PagerDutyIncident>> {
    return unwrap(await this.write('POST', '/incidents', from, { incident }, pagerDutyIncidentResponseSchema), (d) => d.incident);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents~1%7Bid%7D/put
  async updateIncident(id: string, from: string, incident: Record<string, unknown>): Promise<PagerDutyResult<PagerDutyIncident>> {
    const url = `/incidents/${encodeURIComponent(id)}`;
    return unwrap(await this.write('PUT', url, from, { incident }, pagerDutyIncidentResponseSchema), (d) => d.incident);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents~1%7Bid%7D~1notes/get
  async listNotes(incidentId: string): Promise<PagerDutyResult<PagerDutyNote[]>> {
    return unwrap(await this.get({ url: `/incidents/${encodeURIComponent(incidentId)}/notes` }, pagerDutyNoteListSchema), (d) => d.notes);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1incidents~1%7Bid%7D~1notes/post
  async createNote(incidentId: string, from: string, content: string): Promise<PagerDutyResult<PagerDutyNote>> {
    const url = `/incidents/${encodeURIComponent(incidentId)}/notes`;
    return unwrap(await this.write('POST', url, from, { note: { content } }, pagerDutyNoteResponseSchema), (d) => d.note);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1priorities/get
  listPriorities(query: { limit?: number; offset?: number } = {}): Promise<PagerDutyResult<PagerDutyPriorityList>> {
    return this.get({ url: '/priorities', query }, pagerDutyPriorityListSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1log_entries/get
  listLogEntries(query: { since: string; until?: string; limit: number; offset: number }): Promise<PagerDutyResult<PagerDutyLogEntryList>> {
    return this.get({ url: '/log_entries', query }, pagerDutyLogEntryListSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1services~1%7Bid%7D/get
  async getService(id: string): Promise<PagerDutyResult<PagerDutyService>> {
    return unwrap(await this.get({ url: `/services/${encodeURIComponent(id)}` }, pagerDutyServiceResponseSchema), (d) => d.service);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1users/get
  listUsers(query: { query?: string; limit?: number; offset?: number } = {}): Promise<PagerDutyResult<PagerDutyUserList>> {
    return this.get({ url: '/users', query }, pagerDutyUserListSchema);
  }

  // https://developer.pagerduty.com/api-reference/reference/REST/openapiv3.json/paths/~1users~1%7Bid%7D/get
  async getUser(id: string): Promise<PagerDutyResult<PagerDutyUser>> {
    return unwrap(await this.get({ url: `/users/${encodeURIComponent(id)}` }, pagerDutyUserResponseSchema), (d) => d.user);
  }

  /** Writes carry the acting user's email in `From` and are never retried here: the outbox retries them. */
  private async write<T>(method: HttpMethod, url: string, from: string, json: unknown, schema: z.ZodType<T>): Promise<PagerDutyResult<T>> {
    const response = await this.http.request({ method, url, json, headers: { ...this.headers(), From: from }, retry: false });
    return interpret(`${method} ${url}`, response, schema);
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

/**
 * Array parameters as PagerDuty takes them, the name repeated per value (`statuses[]=a&statuses[]=b`):
 * the hub's `HttpRequest.query` holds one value per name, so they travel in the URL.
 */
function repeated(lists: Record<string, string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(lists)) for (const value of values ?? []) params.append(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function unwrap<T, U>(result: PagerDutyResult<T>, pick: (data: T) => U): PagerDutyResult<U> {
  return result.ok ? { ...result, data: pick(result.data) } : result;
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
