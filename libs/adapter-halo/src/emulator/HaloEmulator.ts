import { randomBytes } from 'node:crypto';
import { EmulatorApp, forgetNumbers, type EmulatorContext, requestBody } from '@itsm-hub/core/emulator';
import {
  BEARER_CHALLENGE,
  DEFAULT_AUTH_PATH,
  OAUTH_ERRORS,
  TENANT_QUERY_PARAM,
  TOKEN_LIFETIME_SECONDS,
  TOKEN_PATH,
  TOKEN_SCOPE,
  WEBHOOK_USERNAME,
} from '../client/assumptions';
import type { HaloAction, HaloTicket } from '../client/types';
import { haloTime } from '../client/time';
import { noStore, problemBody, sendEmpty } from './http';
import { seedActions, seedAgents, seedTickets } from './seed';
import type { HaloEmulatorCredentials, HaloEmulatorOptions, HaloEmulatorState } from './types';

interface IssuedToken {
  expiresAt: number;
  scopes: string[];
}

/**
 * Halo behind the shared emulator frame: the authorisation server under `/auth`, token checks for the
 * resource server, Halo's error bodies for injected faults, Basic-authenticated webhooks and the seed
 * restored on reset. Every unconfirmed behaviour comes from `../assumptions`.
 */
export class HaloEmulator extends EmulatorApp {
  readonly state: HaloEmulatorState;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly granted: string[];
  private readonly lifetime: number;

  constructor(
    private readonly credentials: HaloEmulatorCredentials,
    private readonly options: HaloEmulatorOptions,
  ) {
    super({ now: () => (options.now ?? (() => new Date()))().getTime() });
    this.granted = options.permissions ?? [TOKEN_SCOPE];
    this.lifetime = options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS;
    this.state = { tickets: [], agents: [], actions: [], revokeTokens: () => this.tokens.clear() };
    this.resetState();
    this.router.post(`${DEFAULT_AUTH_PATH}${TOKEN_PATH}`, (ctx) => this.issueToken(ctx));
  }

  /** The emulator clock in Halo's time format. */
  haloNow(): string {
    return haloTime(this.now());
  }

  /** Sends Halo's webhook for a ticket change or a new action to every subscriber. */
  publish(event: string, ticket: HaloTicket, action?: HaloAction): void {
    this.deliverWebhook({ event, ticket, ...(action ? { action } : {}) });
  }

  /** Answers 401/403 the way the resource server does (ASSUMPTION api-401, api-403) and says whether to go on. */
  authorize(ctx: EmulatorContext, allowed: readonly string[]): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
    if (!match) return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.missing });
    const token = this.tokens.get(match[1]);
    if (!token) return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.invalid });
    if (token.expiresAt <= this.now()) {
      return sendEmpty(ctx, 401, { 'WWW-Authenticate': BEARER_CHALLENGE.expired(new Date(token.expiresAt).toUTCString()) });
    }
    if (!token.scopes.some((scope) => allowed.includes(scope))) return sendEmpty(ctx, 403, {});
    return true;
  }

  /** Basic authentication with the subscriber's secret as the password (ASSUMPTION webhook-auth). */
  protected override signWebhook(_raw: string, secret: string): Record<string, string> {
    return { authorization: `Basic ${Buffer.from(`${WEBHOOK_USERNAME}:${secret}`).toString('base64')}` };
  }

  /** 401 and 403 stay empty; other statuses carry ProblemDetails (ASSUMPTION error-bodies). */
  protected override faultBody(status: number): unknown {
    return status === 401 || status === 403 ? '' : problemBody(status);
  }

  /** In place: callers keep references to the state's arrays. */
  protected override resetState(): void {
    replace(this.state.tickets, this.options.tickets ?? seedTickets());
    forgetNumbers(this.state.tickets);
    replace(this.state.agents, this.options.agents ?? seedAgents());
    replace(this.state.actions, this.options.tickets ? [] : seedActions());
  }

  private issueToken(ctx: EmulatorContext): void {
    const form = (requestBody(ctx) ?? {}) as Record<string, unknown>;
    if (!ctx.request.is('application/x-www-form-urlencoded')) return oauthError(ctx, OAUTH_ERRORS.invalidRequest);
    if (form.grant_type !== 'client_credentials') return oauthError(ctx, OAUTH_ERRORS.unsupportedGrantType);
    const { credentials } = this;
    const tenantOk = credentials.tenant === undefined || ctx.query[TENANT_QUERY_PARAM] === credentials.tenant;
    if (!tenantOk || form.client_id !== credentials.client_id || form.client_secret !== credentials.client_secret) {
      return oauthError(ctx, OAUTH_ERRORS.invalidClient);
    }
    const requested = typeof form.scope === 'string' && form.scope.trim() !== '' ? form.scope.trim().split(/\s+/) : [TOKEN_SCOPE];
    if (requested.some((scope) => scope !== TOKEN_SCOPE && !this.granted.includes(scope))) return oauthError(ctx, OAUTH_ERRORS.invalidScope);
    const scopes = requested.includes(TOKEN_SCOPE) ? this.granted : requested;
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { expiresAt: this.now() + this.lifetime * 1000, scopes });
    noStore(ctx);
    ctx.body = { access_token: accessToken, expires_in: this.lifetime, token_type: 'Bearer', scope: scopes.join(' ') };
  }
}

function oauthError(ctx: EmulatorContext, error: string): void {
  noStore(ctx);
  ctx.status = 400;
  ctx.body = { error };
}

function replace<T>(target: T[], items: T[]): void {
  target.splice(0, target.length, ...structuredClone(items));
}
