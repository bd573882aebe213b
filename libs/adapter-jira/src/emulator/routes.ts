import { parseBasicAuth, type EmulatorApp, type EmulatorContext } from '@itsm-hub/core';
import type { JiraCredentials } from '../schemas';
import { PERMISSIONS, isPermissionKey, type EmulatedIssue, type EmulatedUser, type JiraEmulatorState } from './state';

/** Jira Cloud's JSON content type (note: no space before charset). */
const JSON_TYPE = 'application/json;charset=UTF-8';

/** Answers with Jira's `ErrorCollection` shape. */
function sendError(ctx: EmulatorContext, status: number, ...errorMessages: string[]): void {
  sendJson(ctx, status, { errorMessages, errors: {} });
}

/** Koa 3's `ctx.origin` is the Origin request header, so the site URL is built here. */
function siteUrl(ctx: EmulatorContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}

function sendJson(ctx: EmulatorContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = body;
}

/**
 * Jira Cloud answers a failed basic login with plain text, not an ErrorCollection, plus
 * `X-Seraph-LoginReason` (seen in real captures); the WWW-Authenticate value is assumed.
 */
function sendUnauthorized(ctx: EmulatorContext, credentialsGiven: boolean): void {
  ctx.status = 401;
  if (credentialsGiven) ctx.set('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
  ctx.set('WWW-Authenticate', `OAuth realm="${encodeURIComponent(siteUrl(ctx))}"`);
  ctx.set('Content-Type', 'text/plain;charset=UTF-8');
  ctx.body = 'Client must be authenticated to access this resource.';
}

function userJson(ctx: EmulatorContext, user: EmulatedUser) {
  return {
    self: `${siteUrl(ctx)}/rest/api/3/user?accountId=${user.accountId}`,
    accountId: user.accountId,
    accountType: 'atlassian',
    emailAddress: user.emailAddress,
    avatarUrls: {},
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Jira's search paging tokens are opaque; ours is the base64url offset. */
function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

function issueJson(ctx: EmulatorContext, issue: EmulatedIssue, fields: string[]) {
  const all = fields.includes('*all') || fields.includes('*navigable');
  const picked = Object.fromEntries(Object.entries(issue.fields).filter(([name]) => all || fields.includes(name)));
  const base = { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${siteUrl(ctx)}/rest/api/3/issue/${issue.id}`, key: issue.key };
  return Object.keys(picked).length > 0 ? { ...base, fields: picked } : base;
}

export function registerRoutes(emulator: EmulatorApp, state: JiraEmulatorState, credentials: JiraCredentials): void {
  const router = emulator.router;
  const has = (key: keyof typeof PERMISSIONS) => !state.withheldPermissions.has(key);

  router.use(async (ctx, next) => {
    const header = ctx.get('Authorization');
    const login = parseBasicAuth(header || undefined);
    // Atlassian account emails are matched case-insensitively; the token is not.
    const ok = login !== undefined && login.user.toLowerCase() === credentials.email.toLowerCase() && login.password === credentials.api_key;
    if (!ok) return sendUnauthorized(ctx, header !== '');
    ctx.set('X-AAccountId', state.me.accountId);
    await next();
  });

  router.get('/rest/api/3/myself', (ctx) => {
    sendJson(ctx, 200, { ...userJson(ctx, state.me), groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] }, expand: 'groups,applicationRoles' });
  });

  router.get('/rest/api/3/mypermissions', (ctx) => {
    const requested = (single(ctx.query.permissions) ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    // Wording of both 400s is assumed; the spec only documents the status.
    if (requested.length === 0) return sendError(ctx, 400, "The 'permissions' query parameter is required.");
    const unknown = requested.filter((key) => !isPermissionKey(key));
    if (unknown.length > 0) return sendError(ctx, 400, `Invalid permission key(s): ${unknown.join(', ')}`);
    const projectKey = single(ctx.query.projectKey);
    const project = projectKey === undefined ? undefined : state.projects.find((p) => p.key === projectKey);
    // Without Browse Projects a project is indistinguishable from a missing one.
    if (projectKey !== undefined && (!project || !has('BROWSE_PROJECTS'))) {
      return sendError(ctx, 404, `No project could be found with key '${projectKey}'.`);
    }
    const permissions = Object.fromEntries(
      requested.filter(isPermissionKey).map((key) => [key, { ...PERMISSIONS[key], havePermission: has(key) }]),
    );
    sendJson(ctx, 200, { permissions });
  });

  router.get('/rest/api/3/user/search', (ctx) => {
    const query = single(ctx.query.query);
    const accountId = single(ctx.query.accountId);
    if (query === undefined && accountId === undefined && single(ctx.query.property) === undefined) {
      return sendError(ctx, 400, 'One of the query parameters query, accountId or property is required.');
    }
    if (query !== undefined && accountId !== undefined) return sendError(ctx, 400, 'Parameters query and accountId cannot be used together.');
    // Callers without Browse users and groups get an empty result, not an error (spec).
    if (!has('USER_PICKER')) return sendJson(ctx, 200, []);
    const startAt = Math.max(0, Number(single(ctx.query.startAt) ?? 0) || 0);
    const maxResults = Math.max(0, Number(single(ctx.query.maxResults) ?? 50) || 50);
    const needle = (query ?? '').toLowerCase();
    const matches = state.users.filter(
      (u) =>
        u.active &&
        (accountId !== undefined
          ? u.accountId === accountId
          : u.emailAddress.toLowerCase().startsWith(needle) || u.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(needle))),
    );
    sendJson(ctx, 200, matches.slice(startAt, startAt + maxResults).map((u) => userJson(ctx, u)));
  });

  router.get('/rest/api/3/search/jql', (ctx) => {
    const jql = (single(ctx.query.jql) ?? '').replace(/\border\s+by\b.*$/is, '').trim();
    if (jql === '') {
      return sendError(ctx, 400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
    }
    const projectKey = /\bproject\s*=\s*"?([A-Za-z][A-Za-z0-9_]*)"?/i.exec(jql)?.[1]?.toUpperCase();
    if (projectKey !== undefined && (!state.projects.some((p) => p.key === projectKey) || !has('BROWSE_PROJECTS'))) {
      return sendError(ctx, 400, `The value '${projectKey}' does not exist for the field 'project'.`);
    }
    const offset = ctx.query.nextPageToken === undefined ? 0 : decodeToken(single(ctx.query.nextPageToken) ?? '');
    if (offset === undefined) return sendError(ctx, 400, 'The nextPageToken is invalid or has expired.');
    // `fields` may be repeated or comma-separated; the default is the id only.
    const rawFields = ctx.query.fields ?? 'id';
    const fields = (Array.isArray(rawFields) ? rawFields : [rawFields]).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    // "max 5000 issues" only when nothing but id/key is requested (spec); 100 otherwise is assumed.
    const cap = fields.every((f) => f === 'id' || f === 'key') ? 5000 : 100;
    const maxResults = Math.min(cap, Math.max(1, Number(single(ctx.query.maxResults) ?? 50) || 50));
    const visible = has('BROWSE_PROJECTS') ? state.issues.filter((i) => projectKey === undefined || i.projectKey === projectKey) : [];
    const page = visible.slice(offset, offset + maxResults);
    const isLast = offset + page.length >= visible.length;
    // nextPageToken is left out on the last page, and there is no `total` (spec).
    sendJson(ctx, 200, { issues: page.map((i) => issueJson(ctx, i, fields)), isLast, ...(isLast ? {} : { nextPageToken: encodeToken(offset + page.length) }) });
  });
}
