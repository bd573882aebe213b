import Router from '@koa/router';
import { ForbiddenError, parseInput, ValidationError, type Principal, z } from '@itsm-hub/core';
import type { Context } from 'koa';

const NO_QUERY = z.object({}).strict();

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<B, Q> {
  ctx: Context;
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal;
}

export interface RouteSpec<B = unknown, Q = unknown> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/integrations/{id}`. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  /** Status of a successful answer (default 200; 204 sends no body). */
  status?: number;
  /** Public routes (health, webhooks) skip bearer authentication. */
  public?: boolean;
  /** Alert intake: the one thing `ingest` tokens may do (every other route refuses them). */
  ingest?: boolean;
  /**
   * The handler validates the body itself, to answer bad input as a vendor does (`vendorError`
   * documents that answer); `body` then only documents the request.
   */
  handlerValidatesBody?: boolean;
  vendorError?: { status: number; schema: z.ZodType };
  handler(input: RouteContext<B, Q>): Promise<unknown> | unknown;
}

/**
 * Registers routes on a Koa router from specs that carry their zod schemas, so the same schemas
 * validate requests and produce the OpenAPI document.
 */
export class ApiRouter {
  readonly router = new Router();
  readonly specs: RouteSpec<any, any>[] = [];

  constructor(private readonly authenticate: (ctx: Context) => Promise<Principal>) {}

  route<B, Q>(spec: RouteSpec<B, Q>): void {
    this.specs.push(spec);
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](koaPath, async (ctx) => {
      const principal = spec.public ? (undefined as unknown as Principal) : await this.authenticate(ctx);
      if (principal?.role === 'ingest' && !spec.ingest) throw new ForbiddenError('This token has role ingest: it may post alerts and nothing else.');
      refuseNul(ctx.params as Record<string, string>, 'path parameters');
      refuseNul(ctx.query, 'query parameters');
      // A route without a query schema takes no query parameters: refuse them rather than ignore them.
      const query = spec.query
        ? parseInput(spec.query, { ...ctx.query }, 'query parameters')
        : spec.public
          ? (undefined as Q)
          : (parseInput(NO_QUERY, { ...ctx.query }, 'query parameters'), undefined as Q);
      const rawBody = (ctx.request as { body?: unknown }).body;
      if (spec.body) refuseNul(rawBody, 'request body');
      const body = !spec.body ? (undefined as B) : spec.handlerValidatesBody ? ((rawBody ?? {}) as B) : parseInput(spec.body, rawBody ?? {}, 'request body');
      const result = await spec.handler({ ctx, body, query, params: ctx.params as Record<string, string>, principal });
      // A handler that returns nothing has answered through ctx itself (e.g. readiness with 503).
      if (result === undefined && spec.status !== 204) return;
      ctx.status = spec.status ?? 200;
      if (result !== undefined && ctx.status !== 204) ctx.body = result;
    });
  }
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb: such input would fail in the database as a 500.
 * Refuse it up front as a 400 naming the field.
 */
function refuseNul(value: unknown, what: string): void {
  const field = nulPath(value, '');
  if (field === undefined) return;
  const name = field || '(body)';
  throw new ValidationError(`Invalid ${what}: ${name}: must not contain the NUL character (U+0000)`, [
    { field: name, message: 'must not contain the NUL character (U+0000)' },
  ]);
}

function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return childPath;
    const found = nulPath(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
