import { randomBytes } from 'node:crypto';
import { EmulatorApp, type EmulatorContext } from '@itsm-hub/core';
import {
  AGENTS_PATH,
  AGENTS_READ_SCOPES,
  BEARER_CHALLENGE,
  DEFAULT_AUTH_PATH,
  OAUTH_ERRORS,
  PAGING,
  TENANT_QUERY_PARAM,
  TICKETS_PATH,
  TICKETS_READ_SCOPES,
  TOKEN_LIFETIME_SECONDS,
  TOKEN_PATH,
  TOKEN_SCOPE,
} from '../assumptions';
import { seedAgents, seedTickets } from './seed';
import type { HaloEmulatorCredentials, HaloEmulatorOptions, HaloEmulatorState } from './types';

interface IssuedToken {
  expiresAt: number;
  scopes: string[];
}

/** Default page size of a paged listing when `page_size` is left out. */
const DEFAULT_PAGE_SIZE = 50;

/**
 * Builds the Halo emulator: the authorisation server under `/auth` and the resource server under `/api`,
 * with every unconfirmed behaviour taken from `../assumptions`.
 */
export function buildHaloEmulator(credentials: HaloEmulatorCredentials, options: HaloEmulatorOptions) {
  const emulator = new EmulatorApp();
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const granted = options.permissions ?? [TOKEN_SCOPE];
  const lifetime = options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS;
  const tokens = new Map<string, IssuedToken>();
  const state: HaloEmulatorState = {
    tickets: options.tickets ?? seedTickets(),
    agents: options.agents ?? seedAgents(),
    revokeTokens: () => tokens.clear(),
  };

  emulator.router.post(`${DEFAULT_AUTH_PATH}${TOKEN_PATH}`, (ctx) => {
    // The body parser's typing of request.body lives in core's dependencies, not in this package.
    const form = ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;
    if (!ctx.request.is('application/x-www-form-urlencoded')) return oauthError(ctx, OAUTH_ERRORS.invalidRequest);
    if (form.grant_type !== 'client_credentials') return oauthError(ctx, OAUTH_ERRORS.unsupportedGrantType);
    const tenantOk = credentials.tenant === undefined || ctx.query[TENANT_QUERY_PARAM] === credentials.tenant;
    if (!tenantOk || form.client_id !== credentials.client_id || form.client_secret !== credentials.client_secret) {
      return oauthError(ctx, OAUTH_ERRORS.invalidClient);
    }
    const requested = typeof form.scope === 'string' && form.scope.trim() !== '' ? form.scope.trim().split(/\s+/) : [TOKEN_SCOPE];
    if (requested.some((scope) => scope !== TOKEN_SCOPE && !granted.includes(scope))) return oauthError(ctx, OAUTH_ERRORS.invalidScope);
    const scopes = requested.includes(TOKEN_SCOPE) ? granted : requested;
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, { expiresAt: now() + lifetime * 1000, scopes });
    noStore(ctx);
    ctx.body = { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer', scope: scopes.join(' ') };
  });

  emulator.router.get(TICKETS_PATH, (ctx) => {
    if (!authorize(ctx, TICKETS_READ_SCOPES)) return;
    const query = intParams(ctx, [PAGING.size, PAGING.number, PAGING.count]);
    if (!query) return;
    const all = state.tickets;
    let tickets = all;
    if (ctx.query[PAGING.flag] === 'true') {
      const size = Math.max(1, query[PAGING.size] ?? DEFAULT_PAGE_SIZE);
      const page = Math.max(1, query[PAGING.number] ?? 1);
      tickets = all.slice((page - 1) * size, page * size);
    } else if (query[PAGING.count] !== undefined) {
      tickets = all.slice(0, query[PAGING.count]);
    }
    ctx.body = { record_count: all.length, tickets };
  });

  emulator.router.get(AGENTS_PATH, (ctx) => {
    if (!authorize(ctx, AGENTS_READ_SCOPES)) return;
    const query = intParams(ctx, [PAGING.count]);
    if (!query) return;
    const enabled = state.agents.filter((agent) => !agent.isdisabled);
    ctx.body = query[PAGING.count] === undefined ? enabled : enabled.slice(0, query[PAGING.count]);
  });

  /** Answers 401/403 the way the resource server does (ASSUMPTION api-401, api-403) and says whether to go on. */
  function authorize(ctx: EmulatorContext, allowed: readonly string[]): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
    if (!match) return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.missing });
    const token = tokens.get(match[1]);
    if (!token) return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.invalid });
    if (token.expiresAt <= now()) {
      return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.expired(new Date(token.expiresAt).toUTCString()) });
    }
    if (!token.scopes.some((scope) => allowed.includes(scope))) return sendEmpty(ctx, 403, {});
    return true;
  }

  return { emulator, state };
}

function oauthError(ctx: EmulatorContext, error: string): void {
  noStore(ctx);
  ctx.status = 400;
  ctx.body = { error };
}

/** IdentityServer marks token responses, successful or not, as uncacheable. */
function noStore(ctx: EmulatorContext): void {
  ctx.set('Cache-Control', 'no-store, no-cache, max-age=0');
  ctx.set('Pragma', 'no-cache');
}

/** Writes a body-less response: Koa would otherwise fill an empty error body with its status text. */
function sendEmpty(ctx: EmulatorContext, status: number, headers: Record<string, string>): false {
  ctx.respond = false;
  ctx.res.writeHead(status, { ...headers, 'Content-Length': '0' });
  ctx.res.end();
  return false;
}

/**
 * Parses integer query parameters; a value that is not one is answered like ASP.NET model binding
 * does, with a 400 ProblemDetails body.
 */
function intParams(ctx: EmulatorContext, names: string[]): Record<string, number | undefined> | undefined {
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
  ctx.status = 400;
  ctx.type = 'application/problem+json; charset=utf-8';
  ctx.body = JSON.stringify({
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
  });
  return undefined;
}
