import type { EmulatorApp, EmulatorContext } from '@itsm-hub/core';
import { presentIncident, presentService, presentUser } from './present';
import type { IncidentStatus, PagerDutyStore } from './types';

/** PagerDuty's error body (`components.responses.*` in the REST spec). */
export function pagerDutyError(message: string, code: number, errors?: string[]) {
  return { error: { message, code, ...(errors ? { errors } : {}) } };
}

// Messages and codes from PagerDuty's error code table (developer-docs REST-API/14-Errors.md).
const AUTHENTICATION_FAILED = pagerDutyError('Authentication failed', 2006);
const NOT_FOUND = pagerDutyError('Not Found', 2100);
const RATE_LIMITED = pagerDutyError('Rate Limit Exceeded', 2020);
const INTERNAL = pagerDutyError('An internal error has occurred. PagerDuty team has been notified.', 2000);

export interface RouteOptions {
  token: string;
  rateLimitPerMinute: number;
  now: () => number;
}

/** Account-wide behaviour: error shapes for anything unhandled, the per-minute limit, token auth. */
export function installMiddleware(emulator: EmulatorApp, options: RouteOptions): void {
  let windowStart = options.now();
  let used = 0;
  emulator.app.use(async (ctx, next) => {
    try {
      await next();
    } catch {
      ctx.status = 500;
      ctx.body = INTERNAL;
      return;
    }
    if (ctx.status === 404 && ctx.body == null) {
      ctx.status = 404;
      ctx.body = NOT_FOUND;
    }
  });
  emulator.app.use(async (ctx, next) => {
    const match = /^Token token=(.+)$/.exec(ctx.get('Authorization'));
    if (!match || match[1] !== options.token) {
      ctx.status = 401;
      ctx.body = AUTHENTICATION_FAILED;
      return;
    }
    const now = options.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    used += 1;
    // PagerDuty sends these on every request it rate-limits, including the 429 itself.
    ctx.set('ratelimit-limit', String(options.rateLimitPerMinute));
    ctx.set('ratelimit-remaining', String(Math.max(0, options.rateLimitPerMinute - used)));
    ctx.set('ratelimit-reset', String(Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000))));
    if (used > options.rateLimitPerMinute) {
      ctx.status = 429;
      ctx.body = RATE_LIMITED;
      return;
    }
    await next();
  });
}

export function installRoutes(emulator: EmulatorApp, store: PagerDutyStore): void {
  const { router } = emulator;

  router.get('/abilities', (ctx) => {
    ctx.body = { abilities: store.abilities };
  });

  router.get('/incidents', (ctx) => {
    const page = paging(ctx, 100);
    if (!page) return;
    const statuses = list(ctx.query['statuses[]']);
    const serviceIds = list(ctx.query['service_ids[]']);
    const invalid = statuses.filter((s) => !['triggered', 'acknowledged', 'resolved'].includes(s));
    if (invalid.length > 0) {
      invalidInput(ctx, 'Status must be a list of triggered, acknowledged, or resolved.');
      return;
    }
    const matching = store.incidents
      .filter((i) => statuses.length === 0 || statuses.includes(i.status as IncidentStatus))
      .filter((i) => serviceIds.length === 0 || serviceIds.includes(i.serviceId))
      .sort((a, b) => a.number - b.number);
    ctx.body = {
      incidents: matching.slice(page.offset, page.offset + page.limit).map((i) => presentIncident(origin(ctx), store, i)),
      ...pageInfo(page, matching.length),
    };
  });

  router.get('/services/:id', (ctx) => {
    const service = store.services.get(ctx.params.id);
    if (!service) {
      ctx.status = 404;
      ctx.body = NOT_FOUND;
      return;
    }
    ctx.body = { service: presentService(origin(ctx), service) };
  });

  router.get('/users', (ctx) => {
    const page = paging(ctx, 100);
    if (!page) return;
    const query = typeof ctx.query.query === 'string' ? ctx.query.query.toLowerCase() : '';
    // The query matches on name or email, by substring.
    const matching = store.users.filter((u) => !query || u.name.toLowerCase().includes(query) || u.email.toLowerCase().includes(query));
    ctx.body = {
      users: matching.slice(page.offset, page.offset + page.limit).map((u) => presentUser(origin(ctx), u)),
      ...pageInfo(page, matching.length),
    };
  });
}

interface Page {
  limit: number;
  offset: number;
  total: boolean;
}

/** Classic offset paging: `limit` (default 25, at most `max`), `offset`, `total` (count only when asked). */
function paging(ctx: EmulatorContext, max: number): Page | undefined {
  const limit = integer(ctx.query.limit, 25);
  const offset = integer(ctx.query.offset, 0);
  if (limit === undefined || limit < 1) return invalidInput(ctx, 'Limit must be a positive integer.');
  if (offset === undefined || offset < 0) return invalidInput(ctx, 'Offset must be a non-negative integer.');
  return { limit: Math.min(limit, max), offset, total: ctx.query.total === 'true' };
}

function pageInfo(page: Page, count: number) {
  return { limit: page.limit, offset: page.offset, more: page.offset + page.limit < count, total: page.total ? count : null };
}

function integer(value: string | string[] | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function invalidInput(ctx: EmulatorContext, detail: string): undefined {
  ctx.status = 400;
  ctx.body = pagerDutyError('Invalid Input Provided', 2001, [detail]);
  return undefined;
}

/** The emulator's own base URL, which `self` links point at (Koa 3's `ctx.origin` is the Origin request header). */
function origin(ctx: EmulatorContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}
