import type { EmulatorContext } from '@itsm-hub/core/emulator';
import type { EmulatedIssue, EmulatedProject, EmulatedUser, JiraEmulatorState } from './state';

/** Jira Cloud's JSON content type (note: no space before charset). */
const JSON_TYPE = 'application/json;charset=UTF-8';

/** Answers with Jira's `ErrorCollection` shape. */
export function sendError(ctx: EmulatorContext, status: number, ...errorMessages: string[]): void {
  sendJson(ctx, status, { errorMessages, errors: {} });
}

/** Koa 3's `ctx.origin` is the Origin request header, so the site URL is built here. */
export function siteUrl(ctx: EmulatorContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}

export function sendJson(ctx: EmulatorContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = body;
}

/**
 * Jira Cloud answers a failed basic login with plain text, not an ErrorCollection, plus
 * `X-Seraph-LoginReason` (seen in real captures); the WWW-Authenticate value is assumed.
 */
export function sendUnauthorized(ctx: EmulatorContext, credentialsGiven: boolean): void {
  ctx.status = 401;
  if (credentialsGiven) ctx.set('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
  ctx.set('WWW-Authenticate', `OAuth realm="${encodeURIComponent(siteUrl(ctx))}"`);
  ctx.set('Content-Type', 'text/plain;charset=UTF-8');
  ctx.body = 'Client must be authenticated to access this resource.';
}

export function userJson(ctx: EmulatorContext, user: EmulatedUser) {
  return {
    self: `${siteUrl(ctx)}/rest/api/3/user?accountId=${user.accountId}`,
    accountId: user.accountId,
    accountType: 'atlassian',
    ...(user.emailHidden ? {} : { emailAddress: user.emailAddress }),
    avatarUrls: {},
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
  };
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Jira's search paging tokens are opaque; ours is the base64url offset. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

export function decodeToken(token: string): number | undefined {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

export function issueJson(ctx: EmulatorContext, issue: EmulatedIssue, fields: string[]) {
  const all = fields.includes('*all') || fields.includes('*navigable');
  const picked = Object.fromEntries(Object.entries(issue.fields).filter(([name]) => all || fields.includes(name)));
  const base = { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${siteUrl(ctx)}/rest/api/3/issue/${issue.id}`, key: issue.key };
  return Object.keys(picked).length > 0 ? { ...base, fields: picked } : base;
}


/** The parsed JSON body (the shared frame's body parser puts it on the request). */

/** `Project` as GET /rest/api/3/project/{key} answers it; issue types come in every answer. */
export function projectJson(ctx: EmulatorContext, state: JiraEmulatorState, project: EmulatedProject) {
  const self = `${siteUrl(ctx)}/rest/api/3/project/${project.id}`;
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self,
    id: project.id,
    key: project.key,
    name: project.name,
    description: '',
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    issueTypes: state.issueTypes.map((t) => ({ self: `${siteUrl(ctx)}/rest/api/3/issuetype/${t.id}`, id: t.id, name: t.name, description: '', subtask: false, hierarchyLevel: 0 })),
  };
}
