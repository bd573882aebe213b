import Router from '@koa/router';
import { parseInput, type Principal, type z } from '@itsm-hub/core';
import type { Context } from 'koa';

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
      const query = spec.query ? parseInput(spec.query, { ...ctx.query }, 'query parameters') : (undefined as Q);
      const rawBody = (ctx.request as { body?: unknown }).body;
      const body = spec.body ? parseInput(spec.body, rawBody ?? {}, 'request body') : (undefined as B);
      const result = await spec.handler({ ctx, body, query, params: ctx.params as Record<string, string>, principal });
      // A handler that returns nothing has answered through ctx itself (e.g. readiness with 503).
      if (result === undefined && spec.status !== 204) return;
      ctx.status = spec.status ?? 200;
      if (result !== undefined && ctx.status !== 204) ctx.body = result;
    });
  }
}
