import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const TOKEN_KEY = 'itsm-hub.token';

/** The API token, kept for the browser session only, never in a URL. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export interface FieldProblem {
  field: string;
  message: string;
}

/** An answer other than success, as the hub's problem document tells it. */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string, readonly errors: FieldProblem[]) {
    super(detail || title);
  }
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = tokenStore.get();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

/** The answer's data, or its problem thrown as an ApiProblem. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const p = (error ?? {}) as { title?: string; detail?: string; errors?: FieldProblem[] };
    throw new ApiProblem(response.status, p.title ?? response.statusText, p.detail ?? '', p.errors ?? []);
  }
  return data as T;
}

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Success<R> = R extends { 200: infer A } ? JsonOf<A> : R extends { 201: infer A } ? JsonOf<A> : R extends { 202: infer A } ? JsonOf<A> : never;
/** What an operation answers on success, from the hub's OpenAPI document. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? Success<R> : never;
/** What an operation takes as its JSON body. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
