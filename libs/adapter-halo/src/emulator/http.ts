import { STATUS_CODES } from 'node:http';
import type { EmulatorContext } from '@itsm-hub/core/emulator';
import { PROBLEM_TYPE } from '../client/assumptions';

/** IdentityServer marks token responses, successful or not, as uncacheable. */
export function noStore(ctx: EmulatorContext): void {
  ctx.set('Cache-Control', 'no-store, no-cache, max-age=0');
  ctx.set('Pragma', 'no-cache');
}

/** Writes a body-less response: Koa would otherwise fill an empty error body with its status text. */
export function sendEmpty(ctx: EmulatorContext, status: number, headers: Record<string, string>): false {
  ctx.respond = false;
  ctx.res.writeHead(status, { ...headers, 'Content-Length': '0' });
  ctx.res.end();
  return false;
}

/** An ASP.NET Core ProblemDetails body (see ASSUMPTION error-bodies). */
export function problemBody(status: number, extra: Record<string, unknown> = {}) {
  return { type: `${PROBLEM_TYPE}#section-15`, title: STATUS_CODES[status] ?? 'Error', status, ...extra };
}

export function sendProblem(ctx: EmulatorContext, status: number, extra: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.type = 'application/problem+json; charset=utf-8';
  ctx.body = JSON.stringify(problemBody(status, extra));
}

/** A refused write: 400 with the reason as plain text (see ASSUMPTION write-errors). */
export function sendRefusal(ctx: EmulatorContext, message: string): void {
  ctx.status = 400;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = message;
}

/** A model-binding failure as ASP.NET answers it: 400 with the invalid parameters. */
export function sendInvalidParams(ctx: EmulatorContext, errors: Record<string, string[]>): void {
  sendProblem(ctx, 400, { title: 'One or more validation errors occurred.', errors, type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1' });
}

/** Parses integer query parameters; undefined (after answering 400) when one is not an integer. */
export function intParams(ctx: EmulatorContext, names: string[]): Record<string, number | undefined> | undefined {
  const values: Record<string, number | undefined> = {};
  const errors: Record<string, string[]> = {};
  for (const name of names) {
    const raw = ctx.query[name];
    if (raw === undefined) continue;
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(value)) errors[name] = [`The value '${String(raw)}' is not valid.`];
    else values[name] = value;
  }
  if (Object.keys(errors).length === 0) return values;
  sendInvalidParams(ctx, errors);
  return undefined;
}


export function queryText(ctx: EmulatorContext, name: string): string | undefined {
  const raw = ctx.query[name];
  return typeof raw === 'string' ? raw : undefined;
}
