import { parseBasicAuth } from '@itsm-hub/core';
import type { EmulatorApp } from '@itsm-hub/core/emulator';
import type { JiraCredentials } from '../config';
import { projectJson, sendError, sendJson, sendUnauthorized, single, userJson } from './http';
import { PERMISSIONS, isPermissionKey, type JiraEmulatorState } from './state';

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

  router.get('/rest/api/3/project/:projectIdOrKey', (ctx) => {
    // `expand` and `properties` change the answer; the emulator implements neither, so it refuses them.
    const unsupported = Object.keys(ctx.query);
    if (unsupported.length > 0) return sendError(ctx, 400, `The emulator does not implement the query parameter(s) ${unsupported.join(', ')} of GET /rest/api/3/project/{projectIdOrKey}.`);
    const ref = ctx.params.projectIdOrKey;
    const project = state.projects.find((p) => p.key === ref || p.id === ref);
    if (!project || !has('BROWSE_PROJECTS')) return sendError(ctx, 404, `No project could be found with key '${ref}'.`);
    sendJson(ctx, 200, projectJson(ctx, state, project));
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
}
