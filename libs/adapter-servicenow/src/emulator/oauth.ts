import { randomBytes } from 'node:crypto';
import { requestBody, type EmulatorContext } from '@itsm-hub/core/emulator';
import type { ServiceNowCredentials } from '../config';

/** The token endpoint's one documented failure answer (seen in fixtures; the only shape known). */
export const TOKEN_ERROR = { error_description: 'access_denied', error: 'server_error' } as const;

interface Issued {
  clientId: string;
  user?: string;
  expiresAt: number;
}

export interface TokenOptions {
  credentials: ServiceNowCredentials;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  clientCredentialsEnabled: boolean;
  now: () => number;
}

/**
 * In-memory OAuth server of POST /oauth_token.do: password, client_credentials and refresh_token
 * grants, form-encoded bodies only.
 */
export class TokenStore {
  private readonly access = new Map<string, Issued>();
  private readonly refresh = new Map<string, Issued>();
  /** grant_type of every token request, in order, for tests. */
  readonly requests: string[] = [];

  constructor(private readonly options: TokenOptions) {}

  /** Whether the Bearer token is one this store issued and it has not expired. */
  verify(accessToken: string): boolean {
    const issued = this.access.get(accessToken);
    return issued !== undefined && issued.expiresAt > this.options.now();
  }

  /** Invalidates every access token, as if they all expired on the instance. */
  revokeAccessTokens(): void {
    this.access.clear();
  }

  handle(ctx: EmulatorContext): void {
    const form = (requestBody(ctx) ?? {}) as Record<string, unknown>;
    const grant = typeof form.grant_type === 'string' ? form.grant_type : '';
    this.requests.push(grant);
    // "A content-type of application/json results in an unspecified error"; the error shape is assumed.
    if (!ctx.is('application/x-www-form-urlencoded')) return deny(ctx);
    const { credentials } = this.options;
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const clientOk = credentials.client_id !== undefined && field('client_id') === credentials.client_id && field('client_secret') === credentials.client_secret;
    if (!clientOk) return deny(ctx);

    if (grant === 'password') {
      const userOk = credentials.username !== undefined && field('username') === credentials.username && field('password') === credentials.password;
      if (!userOk) return deny(ctx);
      return this.issue(ctx, credentials.username, true);
    }
    if (grant === 'client_credentials') {
      // Off by default on real instances; an admin enables it with a system property.
      if (!this.options.clientCredentialsEnabled) return deny(ctx);
      return this.issue(ctx, undefined, false);
    }
    if (grant === 'refresh_token') {
      const issued = this.refresh.get(field('refresh_token') ?? '');
      if (!issued || issued.expiresAt <= this.options.now() || issued.clientId !== credentials.client_id) return deny(ctx);
      // The refresh grant returns only an access token.
      return this.issue(ctx, issued.user, false);
    }
    return deny(ctx);
  }

  private issue(ctx: EmulatorContext, user: string | undefined, withRefreshToken: boolean): void {
    const now = this.options.now();
    const clientId = this.options.credentials.client_id ?? '';
    const current = withRefreshToken ? this.current(clientId, user) : undefined;
    // "Access requests made within the expiration time of the access token always return the current access token."
    const accessToken = current?.[0] ?? newToken();
    const expiresAt = current?.[1].expiresAt ?? now + this.options.accessTokenLifetimeSeconds * 1000;
    this.access.set(accessToken, { clientId, user, expiresAt });
    const body: Record<string, unknown> = { access_token: accessToken, scope: 'useraccount', token_type: 'Bearer', expires_in: Math.max(1, Math.floor((expiresAt - now) / 1000)) };
    if (withRefreshToken) {
      const refreshToken = newToken();
      this.refresh.set(refreshToken, { clientId, user, expiresAt: now + this.options.refreshTokenLifetimeSeconds * 1000 });
      body.refresh_token = refreshToken;
    }
    ctx.status = 200;
    ctx.set('Content-Type', 'application/json;charset=UTF-8');
    ctx.body = body;
  }

  private current(clientId: string, user: string | undefined): [string, Issued] | undefined {
    const now = this.options.now();
    return [...this.access.entries()].find(([, t]) => t.clientId === clientId && t.user === user && t.expiresAt > now);
  }
}

function deny(ctx: EmulatorContext): void {
  ctx.status = 401;
  ctx.set('Content-Type', 'application/json;charset=UTF-8');
  ctx.body = { ...TOKEN_ERROR };
}

function newToken(): string {
  return randomBytes(64).toString('base64url');
}
