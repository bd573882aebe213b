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
/** Writing tickets and their actions needs `all` or `edit:tickets` (the same scopes documentation, same caveat). */
export const TICKETS_WRITE_SCOPES: readonly string[] = ['all', 'edit:tickets'];

/** Paging parameters as public clients send them (`pageinate` is Halo's spelling); list key per entity. */
export const TICKETS_PATH = '/api/Tickets';
export const PAGING = { flag: 'pageinate', size: 'page_size', number: 'page_no', count: 'count' } as const;

/**
 * ASSUMPTION ticket-get: `GET /api/Tickets/{id}` answers the bare ticket object, and 404 for an id the
 * instance does not have (the swagger transcription lists the route; its 404 is unconfirmed).
 */
export const ticketPath = (id: string | number) => `${TICKETS_PATH}/${encodeURIComponent(String(id))}`;

/**
 * ASSUMPTION ticket-upsert: `POST /api/Tickets` takes an array of tickets; an element with `id` updates
 * that ticket (only the keys sent change), one without creates a ticket. For a one-element array Halo
 * answers the written ticket as an object (some clients see an array: the adapter accepts both). An
 * update of an id the instance does not have is answered 404. A refused write is answered 400 with the
 * reason as plain text (ASSUMPTION write-errors).
 */
export const TICKET_REQUIRED_ON_CREATE = ['summary'] as const;

/**
 * ASSUMPTION unassigned-agent: a ticket without an agent carries `agent_id` 0 (Halo's "Unassigned"), and
 * sending 0 unassigns it. The adapter also reads null as unassigned.
 */
export const UNASSIGNED_AGENT_ID = 0;

/**
 * ASSUMPTION correlation-field: tickets have a free `third_party_id` text field meant for other systems'
 * keys, the API writes it like any ticket field, and `GET /api/Tickets?third_party_id=…` filters on it.
 * Whether that filter matches exactly or like a search (any ticket whose value contains the text, in any
 * case) is unconfirmed: the emulator takes the looser reading, so the adapter compares the value itself
 * and reads every page of hits. The hub id is stored there.
 */
export const CORRELATION_FIELD = 'third_party_id';
export const CORRELATION_FILTER = 'third_party_id';

/**
 * ASSUMPTION last-update: every ticket change (and every note added to it, ASSUMPTION note-touches-ticket)
 * sets `last_update`, a UTC time without offset at one-second precision (`2026-03-01T10:00:00`).
 * `lastupdatefromdate` filters on it (third-party clients send it; whether the bound is inclusive is
 * unconfirmed, so the adapter reaches one second back), and `order`/`orderdesc` sort the listing.
 */
export const LAST_UPDATE_FIELD = 'last_update';
export const LAST_UPDATE_FILTER = 'lastupdatefromdate';
export const ORDERING = { field: 'order', descending: 'orderdesc' } as const;
/** `order` takes any ticket field; ordered by id, the oldest ticket comes first and new ones join the end. */
export const TICKET_ID_FIELD = 'id';

/**
 * ASSUMPTION actions: `GET /api/Actions?ticket_id=…` answers `{"record_count":N,"actions":[…]}`, oldest
 * first; `POST /api/Actions` takes an array like tickets and answers the written action as an object.
 * Action fields: `id`, `ticket_id`, `outcome` (the action type's name), `note`, `hiddenfromuser` (a private
 * note), `who` (the author's name) and `datetime` (UTC, as last-update).
 * ASSUMPTION note-actions: notes are the actions whose outcome is one of NOTE_OUTCOMES; others (emails,
 * status changes) are not comments. The adapter writes notes with NOTE_OUTCOME.
 */
export const ACTIONS_PATH = '/api/Actions';
export const ACTIONS_TICKET_FILTER = 'ticket_id';
export const NOTE_OUTCOME = 'Note';
export const NOTE_OUTCOMES: readonly string[] = ['Note', 'Private Note'];

/** ASSUMPTION ticket-url: the agent portal opens a ticket at `<base>/tickets?id=<id>`. */
export const ticketUrl = (root: string, id: string | number) => `${root}/tickets?id=${encodeURIComponent(String(id))}`;

/**
 * ASSUMPTION error-bodies: statuses the API answers without a specific reason (404, 429, 5xx) carry an
 * ASP.NET Core ProblemDetails body (`{"type","title","status"}`); 401 and 403 stay empty (api-401, api-403).
 */
export const PROBLEM_TYPE = 'https://tools.ietf.org/html/rfc9110';

/**
 * ASSUMPTION webhook-payload: a Standard webhook with "ID" values POSTs JSON holding the `event` name
 * (the notification event, e.g. "New Ticket Logged"), the `ticket` (at least `id`; `last_update`,
 * `third_party_id` and the ticket's fields when present) and, for action events, the `action`. A batched
 * delivery is a JSON array of such objects. Halo sends no delivery id, so the adapter derives one from the
 * notification itself (a hash of it): the same notification sent twice gets the same id.
 * The event names below are the ones the emulator sends; any other event about a ticket counts as an
 * update, and one that carries a note action as a comment.
 */
export const WEBHOOK_EVENTS = { created: 'New Ticket Logged', updated: 'Ticket Updated', actionAdded: 'New Action Added' } as const;

/**
 * ASSUMPTION webhook-auth: Halo signs nothing; with Basic Authentication selected it sends
 * `Authorization: Basic base64(username:password)`. The password is the integration's webhook secret; the
 * user name is free text the adapter ignores, WEBHOOK_USERNAME is what the README suggests.
 */
export const WEBHOOK_USERNAME = 'itsm-hub';

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
