import { CallWindow } from '@itsm-hub/core/emulator';
import { pagerDutyError } from './errors';
import { invalidInput, list, notFound, origin, pageInfo, paging, time } from './http';
import type { PagerDutyEmulator } from './PagerDutyEmulator';
import { presentIncident, presentLogEntry, presentNote, presentPriority, presentService, presentUser } from './present';
import { byIncidentNumber, INCIDENT_SORT_FIELDS, sortBy } from './sorting';
import type { IncidentStatus } from './types';

// Messages and codes from PagerDuty's error code table (developer-docs REST-API/14-Errors.md).
const AUTHENTICATION_FAILED = pagerDutyError('Authentication failed', 2006);
const NOT_FOUND = pagerDutyError('Not Found', 2100);
const RATE_LIMITED = pagerDutyError('Rate Limit Exceeded', 2020);
const INTERNAL = pagerDutyError('An internal error has occurred. PagerDuty team has been notified.', 2000);
/** PagerDuty lists incidents and log entries of the last month unless told otherwise. */
const DEFAULT_WINDOW_MS = 30 * 86_400_000;
const MAX_RANGE_MONTHS = 6;
/**
 * The `GET /incidents` parameters the emulator implements. The spec's others (`team_ids[]`,
 * `user_ids[]`, `urgencies[]`, `include[]`, `time_zone`) change PagerDuty's answer, so a call naming
 * them is refused rather than answered as if they had no effect.
 */
const INCIDENT_LIST_PARAMETERS = ['limit', 'offset', 'total', 'date_range', 'incident_key', 'service_ids[]', 'statuses[]', 'sort_by', 'since', 'until'];

export interface RouteOptions {
  token: string;
  rateLimitPerMinute: number;
}

/** Account-wide behaviour: error shapes for anything unhandled, the per-minute limit, token auth. */
export function installMiddleware(emulator: PagerDutyEmulator, options: RouteOptions): void {
  // Per API key, so only calls that authenticate are counted.
  const window = new CallWindow(options.rateLimitPerMinute, 60_000);
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
    const limit = window.take(emulator.time());
    emulator.applyRateLimitHeaders(ctx, limit);
    if (limit.retryAfterSeconds !== undefined) {
      ctx.status = 429;
      ctx.body = RATE_LIMITED;
      return;
    }
    await next();
  });
}

/** The read endpoints. */
export function installRoutes(emulator: PagerDutyEmulator, options: { paginationCap: number }): void {
  const { router, store } = emulator;

  router.get('/abilities', (ctx) => {
    ctx.body = { abilities: store.abilities };
  });

  router.get('/incidents', (ctx) => {
    const unsupported = Object.keys(ctx.query).filter((name) => !INCIDENT_LIST_PARAMETERS.includes(name));
    if (unsupported.length > 0) return invalidInput(ctx, `The emulator does not implement the query parameter(s) ${unsupported.join(', ')} of GET /incidents.`);
    const page = paging(ctx, 100, options.paginationCap);
    if (!page) return;
    const statuses = list(ctx.query['statuses[]']);
    const serviceIds = list(ctx.query['service_ids[]']);
    const invalid = statuses.filter((s) => !['triggered', 'acknowledged', 'resolved'].includes(s));
    if (invalid.length > 0) {
      invalidInput(ctx, 'Status must be a list of triggered, acknowledged, or resolved.');
      return;
    }
    const order = sortBy(ctx, INCIDENT_SORT_FIELDS, byIncidentNumber);
    if (!order) return;
    const dateRange = ctx.query.date_range;
    if (dateRange !== undefined && dateRange !== 'all') return invalidInput(ctx, "date_range must be 'all'.");
    const window = dateWindow(ctx.query, emulator.time());
    if (!window) return invalidInput(ctx, 'Invalid since or until parameter.');
    // The spec caps since..until at 6 months; PagerDuty's wording of the refusal is unconfirmed.
    if (dateRange !== 'all' && (window.since > window.until || addMonths(window.since, MAX_RANGE_MONTHS) < window.until)) {
      return invalidInput(ctx, `since must not be after until, and the range must not exceed ${MAX_RANGE_MONTHS} months.`);
    }
    const key = typeof ctx.query.incident_key === 'string' ? ctx.query.incident_key : undefined;
    const matching = store.incidents
      .filter((i) => statuses.length === 0 || statuses.includes(i.status as IncidentStatus))
      .filter((i) => serviceIds.length === 0 || serviceIds.includes(i.serviceId))
      .filter((i) => key === undefined || i.incidentKey === key)
      // Incidents created in the range, `since` inclusive and `until` exclusive (bounds unconfirmed against PagerDuty).
      .filter((i) => dateRange === 'all' || (Date.parse(i.createdAt) >= window.since && Date.parse(i.createdAt) < window.until))
      .sort(order);
    ctx.body = {
      incidents: matching.slice(page.offset, page.offset + page.limit).map((i) => presentIncident(origin(ctx), store, i)),
      ...pageInfo(page, matching.length),
    };
  });

  router.get('/incidents/:id', (ctx) => {
    // Like PagerDuty, an incident number works in place of its id.
    const incident = store.incidents.find((i) => i.id === ctx.params.id || String(i.number) === ctx.params.id);
    if (!incident) return notFound(ctx);
    ctx.body = { incident: presentIncident(origin(ctx), store, incident) };
  });

  router.get('/incidents/:id/notes', (ctx) => {
    if (!store.incidents.some((i) => i.id === ctx.params.id)) return notFound(ctx);
    ctx.body = { notes: store.notes.filter((n) => n.incidentId === ctx.params.id).map((n) => presentNote(origin(ctx), store, n)) };
  });

  router.get('/log_entries', (ctx) => {
    const page = paging(ctx, 100, options.paginationCap);
    if (!page) return;
    const window = dateWindow(ctx.query, emulator.time());
    if (!window) return invalidInput(ctx, 'Invalid since or until parameter.');
    // Newest first, `since` inclusive and `until` exclusive (order and bounds unconfirmed against PagerDuty).
    const matching = store.logEntries
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry }) => Date.parse(entry.createdAt) >= window.since && Date.parse(entry.createdAt) < window.until)
      .sort((a, b) => Date.parse(b.entry.createdAt) - Date.parse(a.entry.createdAt) || b.index - a.index)
      .map(({ entry }) => entry);
    ctx.body = {
      log_entries: matching.slice(page.offset, page.offset + page.limit).map((e) => presentLogEntry(origin(ctx), store, e)),
      ...pageInfo(page, matching.length),
    };
  });

  router.get('/priorities', (ctx) => {
    const page = paging(ctx, 100);
    if (!page) return;
    ctx.body = { priorities: store.priorities.slice(page.offset, page.offset + page.limit).map((p) => presentPriority(origin(ctx), p)), ...pageInfo(page, store.priorities.length) };
  });

  router.get('/services/:id', (ctx) => {
    const service = store.services.get(ctx.params.id);
    if (!service) return notFound(ctx);
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

  router.get('/users/:id', (ctx) => {
    const user = store.users.find((u) => u.id === ctx.params.id);
    if (!user) return notFound(ctx);
    ctx.body = { user: presentUser(origin(ctx), user) };
  });
}

/** `since`/`until` as epoch ms; `until` defaults to now and `since` to a month before it. */
function dateWindow(query: Record<string, string | string[] | undefined>, now: number): { since: number; until: number } | undefined {
  const until = time(query.until) ?? now + 1000;
  const since = time(query.since) ?? until - DEFAULT_WINDOW_MS;
  return Number.isNaN(since) || Number.isNaN(until) ? undefined : { since, until };
}

function addMonths(ms: number, months: number): number {
  const at = new Date(ms);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at.getTime();
}
