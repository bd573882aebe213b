import type { EmulatorContext } from '@itsm-hub/core/emulator';
import { pagerDutyError } from './errors';

// Request helpers shared by the emulator's routes.

export const NOT_FOUND = pagerDutyError('Not Found', 2100);

export interface Page {
  limit: number;
  offset: number;
  total: boolean;
}

/** Classic offset paging: `limit` (default 25, at most `max`), `offset`, `total` (count only when asked). */
export function paging(ctx: EmulatorContext, max: number): Page | undefined {
  const limit = integer(ctx.query.limit, 25);
  const offset = integer(ctx.query.offset, 0);
  if (limit === undefined || limit < 1) return invalidInput(ctx, 'Limit must be a positive integer.');
  if (offset === undefined || offset < 0) return invalidInput(ctx, 'Offset must be a non-negative integer.');
  return { limit: Math.min(limit, max), offset, total: ctx.query.total === 'true' };
}

export function pageInfo(page: Page, count: number) {
  return { limit: page.limit, offset: page.offset, more: page.offset + page.limit < count, total: page.total ? count : null };
}

function integer(value: string | string[] | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function invalidInput(ctx: EmulatorContext, detail: string): undefined {
  ctx.status = 400;
  ctx.body = pagerDutyError('Invalid Input Provided', 2001, [detail]);
  return undefined;
}

export function notFound(ctx: EmulatorContext): undefined {
  ctx.status = 404;
  ctx.body = NOT_FOUND;
  return undefined;
}

/** The emulator's own base URL, which `self` links point at (Koa 3's `ctx.origin` is the Origin request header). */
export function origin(ctx: EmulatorContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}

/** A time query parameter as epoch ms; undefined when absent, NaN when unparseable. */
export function time(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** PagerDuty's timestamps have whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

