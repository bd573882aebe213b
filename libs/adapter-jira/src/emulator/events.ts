import { userJson } from './http';
import type { EmulatedComment, EmulatedIssue, JiraEmulatorState } from './state';
import type { EmulatorContext } from '@itsm-hub/core/emulator';

// Webhook payloads (developer.atlassian.com/cloud/jira/platform/webhooks; field list from jira.js
// webhooks/payloads.ts, third-party). `timestamp` is epoch milliseconds.

export interface ChangeItem {
  field: string;
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

function issueBody(ctx: EmulatorContext, issue: EmulatedIssue) {
  return { id: issue.id, self: `${ctx.protocol}://${ctx.host}/rest/api/3/issue/${issue.id}`, key: issue.key, fields: issue.fields };
}

export function issueCreated(ctx: EmulatorContext, state: JiraEmulatorState, issue: EmulatedIssue, at: number) {
  return { timestamp: at, webhookEvent: 'jira:issue_created', issue_event_type_name: 'issue_created', user: userJson(ctx, state.me), issue: issueBody(ctx, issue) };
}

export function issueUpdated(ctx: EmulatorContext, state: JiraEmulatorState, issue: EmulatedIssue, at: number, changelogId: string, items: ChangeItem[], eventType: 'issue_updated' | 'issue_generic') {
  return {
    timestamp: at,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: eventType,
    user: userJson(ctx, state.me),
    issue: issueBody(ctx, issue),
    changelog: { id: changelogId, items: items.map((item) => ({ ...item, fieldtype: 'jira' })) },
  };
}

/** A new comment arrives twice: as comment_created and as jira:issue_updated carrying the comment. */
export function commentCreated(ctx: EmulatorContext, state: JiraEmulatorState, issue: EmulatedIssue, comment: EmulatedComment, at: number) {
  const f = issue.fields;
  const slim = { id: issue.id, self: issueBody(ctx, issue).self, key: issue.key, fields: { summary: f.summary, issuetype: f.issuetype, project: f.project, assignee: f.assignee, priority: f.priority, status: f.status } };
  return [
    { timestamp: at, webhookEvent: 'comment_created', comment: commentJson(ctx, state, issue, comment), issue: slim },
    { timestamp: at, webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_commented', user: userJson(ctx, state.me), issue: issueBody(ctx, issue), comment: commentJson(ctx, state, issue, comment) },
  ];
}

/** `Comment` as the REST API returns it. */
export function commentJson(ctx: EmulatorContext, state: JiraEmulatorState, issue: EmulatedIssue, comment: EmulatedComment) {
  const author = state.users.find((u) => u.accountId === comment.authorId) ?? state.me;
  const internal = comment.properties.some((p) => p.key === 'sd.public.comment' && (p.value as { internal?: boolean })?.internal === true);
  return {
    self: `${ctx.protocol}://${ctx.host}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: userJson(ctx, author),
    body: comment.body,
    updateAuthor: userJson(ctx, author),
    created: comment.created,
    updated: comment.updated,
    ...(comment.visibility ? { visibility: comment.visibility } : {}),
    // JSM answers jsdPublic on service projects only; the emulator sets it when the JSM property is present.
    ...(internal ? { jsdPublic: false } : {}),
  };
}
