import { z } from '@itsm-hub/core';
import { requestBody, type EmulatorApp, type EmulatorContext } from '@itsm-hub/core/emulator';
import { decodeToken, encodeToken, issueJson, sendError, sendJson, single } from './http';
import { parseJql } from './jql';
import type { JiraEmulatorState } from './state';

const PATH = '/rest/api/3/search/jql';

/**
 * The part of a search the emulator implements, as POST's body (`SearchAndReconcileRequestBean`);
 * GET takes the same names as query parameters. `expand`, `properties`, `fieldsByKeys`,
 * `reconcileIssues` (and GET's `failFast`) change Jira's answer, so a search naming them is refused
 * rather than answered as if they had no effect. Jira's JSON binding reads null as absent.
 */
const searchSchema = z.strictObject({
  jql: z.string().nullish(),
  nextPageToken: z.string().nullish(),
  fields: z.array(z.string()).nullish(),
  maxResults: z.int().nullish(),
});
type Search = z.output<typeof searchSchema>;

/** The search parameters (GET) and body fields (POST) the emulator implements. */
export const SEARCH_PARAMETERS = Object.keys(searchSchema.shape);

/** `GET` and `POST /rest/api/3/search/jql`: one search, its request read from the query or the body. */
export function registerSearchRoutes(emulator: EmulatorApp, state: JiraEmulatorState): void {
  emulator.router.get(PATH, (ctx) => {
    const unsupported = Object.keys(ctx.query).filter((name) => !SEARCH_PARAMETERS.includes(name));
    if (unsupported.length > 0) return sendError(ctx, 400, `The emulator does not implement the query parameter(s) ${unsupported.join(', ')} of GET ${PATH}.`);
    const maxResults = single(ctx.query.maxResults);
    if (maxResults !== undefined && !/^-?\d+$/.test(maxResults)) return sendError(ctx, 400, `maxResults must be an integer, not '${maxResults}'.`);
    const fields = ctx.query.fields;
    search(ctx, state, {
      jql: single(ctx.query.jql),
      nextPageToken: single(ctx.query.nextPageToken),
      fields: fields === undefined ? undefined : [fields].flat(),
      maxResults: maxResults === undefined ? undefined : Number(maxResults),
    });
  });

  emulator.router.post(PATH, (ctx) => {
    const parsed = searchSchema.safeParse(requestBody(ctx));
    if (!parsed.success) return sendError(ctx, 400, bodyError(parsed.error.issues));
    search(ctx, state, parsed.data);
  });
}

function bodyError(issues: z.ZodError['issues']): string {
  const unsupported = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unsupported.length > 0) return `The emulator does not implement the body field(s) ${unsupported.join(', ')} of POST ${PATH}.`;
  // The first sentence is Jira's answer to a body it cannot bind; the details are the emulator's.
  const details = issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  return `Invalid request payload. Refer to the REST API documentation and try again. ${details}`;
}

function search(ctx: EmulatorContext, state: JiraEmulatorState, request: Search): void {
  const browse = !state.withheldPermissions.has('BROWSE_PROJECTS');
  const query = parseJql(request.jql ?? '');
  if (!query.ok) return sendError(ctx, 400, query.message);
  if (!query.bounded) return sendError(ctx, 400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const unknownProject = query.projectKeys.find((key) => !browse || !state.projects.some((p) => p.key === key));
  if (unknownProject !== undefined) return sendError(ctx, 400, `The value '${unknownProject}' does not exist for the field 'project'.`);
  const offset = request.nextPageToken == null ? 0 : decodeToken(request.nextPageToken);
  if (offset === undefined) return sendError(ctx, 400, 'The nextPageToken is invalid or has expired.');
  // Each `fields` entry may itself be comma-separated; the default is the id only.
  const fields = (request.fields ?? ['id']).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  // "max 5000 issues" only when nothing but id/key is requested (spec); 100 otherwise is assumed.
  const cap = fields.every((f) => f === 'id' || f === 'key') ? 5000 : 100;
  const maxResults = Math.min(cap, Math.max(1, request.maxResults ?? 50));
  const visible = browse ? state.issues.filter(query.match).sort(query.order) : [];
  const page = visible.slice(offset, offset + maxResults);
  const isLast = offset + page.length >= visible.length;
  // nextPageToken is left out on the last page, and there is no `total` (spec).
  sendJson(ctx, 200, { issues: page.map((i) => issueJson(ctx, i, fields)), isLast, ...(isLast ? {} : { nextPageToken: encodeToken(offset + page.length) }) });
}
