import type { IncidentPriority, IncidentStatus } from '@itsm-hub/core';

/**
 * Every Halo API detail this package relies on that no vendor document confirms (Halo publishes no
 * machine-readable spec; see shared/vendor-specs/vendor-apis.md section 4). The adapter and the emulator
 * both read these constants, so correcting a fact here corrects both sides at once.
 * Each block is named `ASSUMPTION <name>` so the README and reviews can point at it.
 */

/**
 * ASSUMPTION auth-server-default: without an explicit auth_server the authorisation server lives under
 * `<base_url>/auth` (the fallback the HaloAPI PowerShell module uses when /api/authinfo says nothing).
 */
export const DEFAULT_AUTH_PATH = '/auth';

/** ASSUMPTION token-endpoint: `POST {auth_server}/token`, the tenant as `?tenant=`, scope `all`. */
export const TOKEN_PATH = '/token';
export const TENANT_QUERY_PARAM = 'tenant';
export const TOKEN_SCOPE = 'all';

/** ASSUMPTION token-lifetime: tokens last 3600 s. The adapter trusts `expires_in`; only the emulator uses this. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * ASSUMPTION token-errors: the auth server is IdentityServer and answers 400 with an RFC 6749 body,
 * `{"error":"invalid_client"}` for an unknown client id or a wrong secret. ASSUMPTION unknown-tenant:
 * API applications are registered per tenant, so a missing or unknown tenant (where the server needs one)
 * is answered exactly like an unknown client.
 */
export const OAUTH_ERRORS = {
  invalidClient: 'invalid_client',
  invalidRequest: 'invalid_request',
  invalidScope: 'invalid_scope',
  unsupportedGrantType: 'unsupported_grant_type',
} as const;

/**
 * ASSUMPTION api-401: the resource server is ASP.NET Core with JwtBearer defaults: 401 with an empty body
 * and the reason only in `WWW-Authenticate`.
 */
export const BEARER_CHALLENGE = {
  missing: 'Bearer',
  invalid: 'Bearer error="invalid_token"',
  expired: (expiredAt: string) => `Bearer error="invalid_token", error_description="The token expired at '${expiredAt}'"`,
} as const;

/**
 * ASSUMPTION api-403 and scopes: a token whose application lacks the permission gets 403 with an empty
 * body. Tickets are readable with `all`, `read:tickets` or `edit:tickets`; Halo lists no agent scope, so
 * agents need `all` or `admin`. Requesting scope `all` grants whatever the application was given.
 */
export const TICKETS_READ_SCOPES: readonly string[] = ['all', 'read:tickets', 'edit:tickets'];
export const AGENTS_READ_SCOPES: readonly string[] = ['all', 'admin'];

/** Paging parameters as public clients send them (`pageinate` is Halo's spelling); list key per entity. */
export const TICKETS_PATH = '/api/Tickets';
export const PAGING = { flag: 'pageinate', size: 'page_size', number: 'page_no', count: 'count' } as const;

/**
 * ASSUMPTION agents-endpoint: agents are listed by `GET /api/Agent` (HaloAPI Get-HaloAgent) as a bare JSON
 * array that `count` limits; `/api/Users` holds end users (customers' contacts), not agents.
 */
export const AGENTS_PATH = '/api/Agent';

/**
 * ASSUMPTION default-ids: Halo's out-of-the-box status and priority ids. Both are per instance
 * (`GET /api/Status`, `GET /api/Priority`), so settings.status_map / priority_map override them.
 * Several canonical values share an id (Halo has no separate acknowledged / resolved / canceled status
 * and four priorities); reverse lookups take the first canonical value listed, hence the order.
 */
export const DEFAULT_STATUS_IDS: Readonly<Record<IncidentStatus, number>> = {
  new: 1, in_progress: 2, acknowledged: 2, on_hold: 3, closed: 9, resolved: 9, canceled: 9,
};
export const DEFAULT_PRIORITY_IDS: Readonly<Record<IncidentPriority, number>> = { P1: 1, P2: 2, P3: 3, P4: 4, P5: 4 };

// ASSUMPTION rate-limit: a third party reports 450 requests per 5 minutes; whether Halo answers 429 with
// `Retry-After` is unconfirmed. The adapter honours `Retry-After` when present and the emulator only
// answers 429 through fault injection, so no limit is encoded here.
