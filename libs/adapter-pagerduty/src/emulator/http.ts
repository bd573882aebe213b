import type { EmulatorContext } from '@itsm-hub/core/emulator';
import { pagerDutyError } from './errors';

// Request helpers shared by the emulator's routes.

export const NOT_FOUND = pagerDutyError('Not Found', 2100);

/** PagerDuty's offset + limit ceiling on classic paging of incidents and log entries. */
export const DEFAULT_PAGINATION_CAP = 10_000;

export interface Page {
  limit: number;
  offset: number;
  total: boolean;
}

/**
 * Classic offset paging: `limit` (default 25, at most `max`), `offset`, `total` (a boolean: count only
 * when asked). With `cap`, a page reaching past `cap` records (offset + the limit in effect) is refused
 * as PagerDuty refuses it; its answer is quoted from captures in faros-ai/airbyte-connectors#991 and
 * cloudquery/cloudquery#12750 (the spec does not state the ceiling).
 */
export function paging(ctx: EmulatorContext, max: number, cap?: number): Page | undefined {
  const limit = integer(ctx.query.limit, 25);
  const offset = integer(ctx.query.offset, 0);
  if (limit === undefined || limit < 1) return invalidInput(ctx, 'Limit must be a positive integer.');
  if (offset === undefined || offset < 0) return invalidInput(ctx, 'Offset must be a non-negative integer.');
  const total = ctx.query.total;
  if (total !== undefined && total !== 'true' && total !== 'false') return invalidInput(ctx, 'Total must be true or false.');
  const page = { limit: Math.min(limit, max), offset, total: total === 'true' };
  if (cap !== undefined && page.offset + page.limit > cap) {
    ctx.status = 400;
    ctx.body = pagerDutyError('Arguments Caused Error', 2002, [
      `Offset+limit exceeds maximum allowed value of ${cap}. Please try to refine your search to reduce the returned set of records below this number, like adding a date range.`,
    ]);
    return undefined;
  }
  return page;
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

