import { nextNumber, requestBody, type EmulatorContext } from '@itsm-hub/core/emulator';
import { adfProblem } from './adfProblem';
import { commentCreated, commentJson, issueCreated, issueUpdated, type ChangeItem } from './events';
import { issueJson, sendError, sendJson, single, siteUrl, userJson } from './http';
import type { JiraEmulator } from './JiraEmulator';
import { jiraTime, statusJson, type EmulatedIssue, type EmulatedProject } from './state';

/** Query parameters of the issue edit that the emulator implements (notifyUsers has nothing to notify here). */
const EDIT_QUERY = new Set(['returnIssue', 'notifyUsers']);

const NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
/** Rich-text fields: API v3 takes them as ADF documents, checked against Atlassian's ADF schema. */
const RICH_TEXT = ['description', 'environment'];
const EDITABLE = ['summary', 'priority', 'assignee', 'labels', ...RICH_TEXT];
/** Jira's wording for a rich-text value that is not a document (seen in the wild; assumed for schema failures too). */
const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

type Body = { fields?: Record<string, unknown> };

/** Issues, transitions, comments and users: what the adapter reads and writes, with Jira's statuses and error bodies. */
export function registerIssueRoutes(emulator: JiraEmulator): void {
  const { router, state } = emulator;
  const find = (idOrKey: string) => state.issues.find((i) => i.id === idOrKey || i.key === idOrKey.toUpperCase());
  const projectOf = (issue: EmulatedIssue) => state.projects.find((p) => p.key === issue.projectKey)!;
  const nextId = () => String((state.sequence += 1));

  /** Field values checked as Jira's create/edit screens do; returns per-field errors. */
  function validate(fields: Record<string, unknown>): { values: Record<string, unknown>; errors: Record<string, string> } {
    const values: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'project' || name === 'issuetype') continue;
      if (!EDITABLE.includes(name)) {
        errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
      } else if (name === 'summary') {
        if (typeof value !== 'string' || value.trim() === '') errors.summary = 'You must specify a summary of the issue.';
        else values.summary = value;
      } else if (RICH_TEXT.includes(name)) {
        const problem = value === null ? undefined : adfProblem(value);
        if (problem) errors[name] = `${NOT_ADF}: ${problem}`;
        else values[name] = value;
      } else if (name === 'priority') {
        const priority = state.priorities.find((p) => isRecord(value) && (p.name === value.name || p.id === value.id));
        if (!priority) errors.priority = 'The priority selected is invalid.';
        else values.priority = { self: '', iconUrl: '', ...priority };
      } else if (name === 'assignee') {
        if (value === null) values.assignee = null;
        else {
          const user = state.users.find((u) => isRecord(value) && u.accountId === value.accountId && u.active);
          if (!user) errors.assignee = `User '${isRecord(value) ? String(value.accountId) : ''}' cannot be assigned issues.`;
          else values.assignee = user;
        }
      } else if (name === 'labels') {
        const labels = Array.isArray(value) ? value.map(String) : [];
        const spaced = labels.find((l) => /\s/.test(l));
        if (spaced !== undefined) errors.labels = `The label '${spaced}' contains spaces which is invalid.`;
        else values.labels = labels;
      }
    }
    return { values, errors };
  }

  /** Stores users as the API presents them: accountId and the (possibly hidden) email, never the raw record. */
  function apply(ctx: EmulatorContext, issue: EmulatedIssue, values: Record<string, unknown>): ChangeItem[] {
    const items: ChangeItem[] = [];
    for (const [name, value] of Object.entries(values)) {
      const stored = name === 'assignee' && value !== null ? userJson(ctx, value as never) : value;
      const before = issue.fields[name];
      if (JSON.stringify(before) === JSON.stringify(stored)) continue;
      items.push(changeItem(name, before, stored));
      issue.fields[name] = stored;
    }
    return items;
  }

  function touch(issue: EmulatedIssue): number {
    // Every change moves `updated` forward by at least a millisecond, as versions must differ.
    const previous = Date.parse(String(issue.fields.updated).replace('+0000', 'Z'));
    const at = Math.max(emulator.time(), previous + 1);
    issue.fields.updated = jiraTime(at);
    return at;
  }

  router.get('/rest/api/3/issue/:idOrKey', (ctx) => {
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const fields = (single(ctx.query.fields) ?? '*all').split(',').map((f) => f.trim()).filter(Boolean);
    sendJson(ctx, 200, issueJson(ctx, issue, fields));
  });

  router.post('/rest/api/3/issue', (ctx) => {
    const refused = unimplementedBodyKeys(ctx, 'POST /rest/api/3/issue');
    if (refused) return sendError(ctx, 400, refused);
    const fields = ((requestBody(ctx) ?? {}) as Body).fields ?? {};
    const projectRef = fields.project;
    const project = state.projects.find((p) => isRecord(projectRef) && (p.key === projectRef.key || p.id === projectRef.id));
    const issueType = state.issueTypes.find((t) => isRecord(fields.issuetype) && (t.name === fields.issuetype.name || t.id === fields.issuetype.id));
    const { values, errors } = validate(fields);
    if (!project) errors.project = 'Specify a valid project ID or key';
    if (!issueType) errors.issuetype = 'Specify an issue type';
    if (!values.summary && !errors.summary) errors.summary = 'You must specify a summary of the issue.';
    if (Object.keys(errors).length > 0 || !project || !issueType) return sendJson(ctx, 400, { errorMessages: [], errors });
    const at = jiraTime(emulator.time());
    const held = state.issues.filter((i) => i.projectKey === project.key).map((i) => Number(i.key.split('-').pop()));
    const number = nextNumber(project, Math.max(0, ...held));
    const issue: EmulatedIssue = {
      id: nextId(),
      key: `${project.key}-${number}`,
      projectKey: project.key,
      fields: {
        summary: values.summary,
        description: values.description ?? null,
        environment: values.environment ?? null,
        issuetype: { id: issueType.id, name: issueType.name, subtask: false },
        project: { id: project.id, key: project.key, name: project.name },
        status: statusJson(project, project.workflow.initial),
        priority: values.priority ?? { self: '', iconUrl: '', ...state.priorities[2] },
        assignee: null,
        labels: values.labels ?? [],
        created: at,
        updated: at,
      },
      comments: [],
    };
    if (values.assignee) apply(ctx, issue, { assignee: values.assignee });
    state.issues.push(issue);
    sendJson(ctx, 201, { id: issue.id, key: issue.key, self: `${siteUrl(ctx)}/rest/api/3/issue/${issue.id}` });
    emulator.deliverWebhook(issueCreated(ctx, state, issue, emulator.time()));
  });

  router.put('/rest/api/3/issue/:idOrKey', (ctx) => {
    // Jira also takes overrideScreenSecurity, overrideEditableFlag and expand here; the emulator
    // does not implement them, so it refuses them rather than answer as if they had no effect.
    const unsupported = Object.keys(ctx.query).filter((name) => !EDIT_QUERY.has(name));
    if (unsupported.length > 0) return sendError(ctx, 400, `The emulator does not implement the query parameter(s) ${unsupported.join(', ')} of PUT /rest/api/3/issue/{issueIdOrKey}.`);
    const returnIssue = single(ctx.query.returnIssue);
    if (returnIssue !== undefined && returnIssue !== 'true' && returnIssue !== 'false') return sendError(ctx, 400, `returnIssue must be true or false, not '${returnIssue}'.`);
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const refused = unimplementedBodyKeys(ctx, 'PUT /rest/api/3/issue/{issueIdOrKey}');
    if (refused) return sendError(ctx, 400, refused);
    const { values, errors } = validate(((requestBody(ctx) ?? {}) as Body).fields ?? {});
    if (Object.keys(errors).length > 0) return sendJson(ctx, 400, { errorMessages: [], errors });
    const items = apply(ctx, issue, values);
    const at = items.length > 0 ? touch(issue) : undefined;
    if (returnIssue === 'true') sendJson(ctx, 200, issueJson(ctx, issue, ['*all']));
    else ctx.status = 204;
    if (at) emulator.deliverWebhook(issueUpdated(ctx, state, issue, at, nextId(), items, 'issue_updated'));
  });

  router.get('/rest/api/3/issue/:idOrKey/transitions', (ctx) => {
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const project = projectOf(issue);
    // Without Transition Issues, Jira lists no transitions rather than failing (spec).
    const available = state.withheldPermissions.has('TRANSITION_ISSUES') ? [] : transitionsFrom(project, statusName(issue));
    sendJson(ctx, 200, {
      transitions: available.map((t) => ({ id: t.id, name: t.name, to: statusJson(project, t.to), hasScreen: false, isGlobal: t.from.includes('*'), isInitial: false, isAvailable: true, isConditional: false, looped: false })),
    });
  });

  router.post('/rest/api/3/issue/:idOrKey/transitions', (ctx) => {
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const project = projectOf(issue);
    const requested = (requestBody(ctx) as { transition?: { id?: unknown } } | undefined)?.transition?.id;
    const transition = transitionsFrom(project, statusName(issue)).find((t) => t.id === String(requested));
    if (!transition || state.withheldPermissions.has('TRANSITION_ISSUES')) return sendError(ctx, 400, `Transition id '${String(requested)}' is not valid for this issue.`);
    const items = apply(ctx, issue, { status: statusJson(project, transition.to) });
    ctx.status = 204;
    const at = touch(issue);
    emulator.deliverWebhook(issueUpdated(ctx, state, issue, at, nextId(), items, 'issue_generic'));
  });

  router.get('/rest/api/3/issue/:idOrKey/comment', (ctx) => {
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const orderBy = single(ctx.query.orderBy);
    if (orderBy !== undefined && !/^[-+]?created$/.test(orderBy)) return sendError(ctx, 400, `Invalid orderBy: ${orderBy}. Only 'created' is supported.`);
    const startAt = Math.max(0, Number(single(ctx.query.startAt) ?? 0) || 0);
    const maxResults = Math.min(100, Math.max(1, Number(single(ctx.query.maxResults) ?? 100) || 100));
    const all = orderBy?.startsWith('-') ? [...issue.comments].reverse() : issue.comments;
    const page = all.slice(startAt, startAt + maxResults);
    sendJson(ctx, 200, { startAt, maxResults, total: all.length, comments: page.map((c) => commentJson(ctx, state, issue, c)) });
  });

  router.post('/rest/api/3/issue/:idOrKey/comment', (ctx) => {
    const issue = find(ctx.params.idOrKey);
    if (!issue) return sendError(ctx, 404, NOT_FOUND);
    const body = (requestBody(ctx) ?? {}) as { body?: unknown; visibility?: { type: string; value: string }; properties?: Array<{ key: string; value: unknown }> };
    const invalid = commentBodyProblem(body.body);
    if (invalid) return sendJson(ctx, 400, { errorMessages: [], errors: { comment: invalid } });
    const created = jiraTime(emulator.time());
    const comment = { id: nextId(), authorId: state.me.accountId, body: body.body, created, updated: created, properties: body.properties ?? [], ...(body.visibility ? { visibility: body.visibility } : {}) };
    issue.comments.push(comment);
    const at = touch(issue);
    sendJson(ctx, 201, commentJson(ctx, state, issue, comment));
    for (const payload of commentCreated(ctx, state, issue, comment, at)) emulator.deliverWebhook(payload);
  });

  router.get('/rest/api/3/user', (ctx) => {
    const accountId = single(ctx.query.accountId);
    if (accountId === undefined) return sendError(ctx, 400, 'The accountId query parameter needs to be provided.');
    const user = state.users.find((u) => u.accountId === accountId);
    if (!user) return sendError(ctx, 404, 'Specified user does not exist or you do not have required permissions');
    sendJson(ctx, 200, userJson(ctx, user));
  });
}

/** Jira's two comment-body errors: an absent or empty document, and one that is not valid ADF. */
function commentBodyProblem(body: unknown): string | undefined {
  if (body === undefined || body === null || (isRecord(body) && Array.isArray(body.content) && body.content.length === 0)) return 'Comment body can not be empty!';
  const problem = adfProblem(body);
  return problem && `Comment body is not valid! ${problem}`;
}

function transitionsFrom(project: EmulatedProject, status: string) {
  return project.workflow.transitions.filter((t) => (t.from.includes('*') || t.from.includes(status)) && t.to !== status);
}

function statusName(issue: EmulatedIssue): string {
  return (issue.fields.status as { name: string }).name;
}

function changeItem(field: string, before: unknown, after: unknown): ChangeItem {
  const describe = (value: unknown): [string | null, string | null] => {
    if (value === null || value === undefined) return [null, null];
    if (Array.isArray(value)) return [null, value.join(' ')];
    if (isRecord(value)) {
      if (value.type === 'doc') return [null, JSON.stringify(value)];
      const id = (value.accountId ?? value.id) as string | undefined;
      return [id ?? null, String(value.displayName ?? value.name ?? '')];
    }
    return [null, String(value)];
  };
  const [from, fromString] = describe(before);
  const [to, toString] = describe(after);
  return { field, fieldId: field, from, fromString, to, toString };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Jira's create and edit bodies also take `update` (operations per field), `transition`,
 * `properties`, `historyMetadata` and `transitionFields`; the emulator implements only `fields`, so
 * it refuses the others rather than answer as if they had been applied. Undefined: only `fields`.
 */
function unimplementedBodyKeys(ctx: EmulatorContext, route: string): string | undefined {
  const body = requestBody(ctx);
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const others = Object.keys(body).filter((key) => key !== 'fields');
  return others.length > 0 ? `The emulator does not implement ${others.join(', ')} in the body of ${route}; it takes fields only.` : undefined;
}
