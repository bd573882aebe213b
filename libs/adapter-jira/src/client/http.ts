import { z, type HttpClient, type HttpRequest, type HttpResponse } from '@itsm-hub/core';
import { jiraErrorMessage } from './failures';
import {
  jiraCommentPageSchema,
  jiraCommentSchema,
  jiraCreatedIssueSchema,
  jiraIssueSchema,
  jiraPermissionsSchema,
  jiraProjectSchema,
  jiraSearchResultsSchema,
  jiraTransitionsSchema,
  jiraUserListSchema,
  jiraUserSchema,
  type JiraComment,
  type JiraCommentPage,
  type JiraCreatedIssue,
  type JiraIssue,
  type JiraPermissions,
  type JiraProject,
  type JiraSearchResults,
  type JiraTransitions,
  type JiraUser,
} from './types';
import type { JiraCredentials } from '../config';

/** Outcome of one Jira call that got an HTTP answer. Transport failures throw `TransportError`. */
export type JiraCallResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; message: string; response: HttpResponse };

/** Project permission keys the integration needs on issues (read, create, edit, change status). */
export const REQUIRED_ISSUE_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES'] as const;

/** Jira Cloud platform REST API v3 over HTTP basic auth (account email + API token). */
export class JiraClient {
  private readonly authorization: string;

  constructor(
    private readonly http: HttpClient,
    credentials: JiraCredentials,
  ) {
    // https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/
    this.authorization = `Basic ${Buffer.from(`${credentials.email}:${credentials.api_key}`, 'utf8').toString('base64')}`;
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get */
  getMyself(): Promise<JiraCallResult<JiraUser>> {
    return this.get('/rest/api/3/myself', {}, jiraUserSchema);
  }

  /**
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
   * Without a project the answer says whether the user has each permission in *any* project.
   */
  getMyPermissions(permissions: readonly string[], projectKey?: string): Promise<JiraCallResult<JiraPermissions>> {
    // `permissions` is required since 2019 (change notice in the spec's x-changes).
    return this.get('/rest/api/3/mypermissions', { permissions: permissions.join(','), projectKey }, jiraPermissionsSchema);
  }

  /**
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get
   * 404 both when the project does not exist and when the account cannot browse it.
   */
  getProject(projectKey: string): Promise<JiraCallResult<JiraProject>> {
    return this.get(`/rest/api/3/project/${encodeURIComponent(projectKey)}`, {}, jiraProjectSchema);
  }

  /**
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
   * Callers without *Browse users and groups* get an empty list, not an error.
   */
  findUsers(query: string, maxResults: number): Promise<JiraCallResult<JiraUser[]>> {
    return this.get('/rest/api/3/user/search', { query, maxResults }, jiraUserListSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get */
  getUser(accountId: string): Promise<JiraCallResult<JiraUser>> {
    return this.get('/rest/api/3/user', { accountId }, jiraUserSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get */
  getIssue(idOrKey: string, fields: string): Promise<JiraCallResult<JiraIssue>> {
    return this.get(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}`, { fields }, jiraIssueSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get */
  searchJql(query: { jql: string; fields: string; maxResults: number; nextPageToken?: string }): Promise<JiraCallResult<JiraSearchResults>> {
    return this.get('/rest/api/3/search/jql', query, jiraSearchResultsSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-get */
  getComments(idOrKey: string, startAt: number, maxResults: number): Promise<JiraCallResult<JiraCommentPage>> {
    return this.get(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}/comment`, { startAt, maxResults, orderBy: 'created' }, jiraCommentPageSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-transitions/#api-rest-api-3-issue-issueidorkey-transitions-get */
  getTransitions(idOrKey: string): Promise<JiraCallResult<JiraTransitions>> {
    return this.get(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}/transitions`, {}, jiraTransitionsSchema);
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post */
  createIssue(body: { fields: Record<string, unknown> }): Promise<JiraCallResult<JiraCreatedIssue>> {
    return this.send('POST', '/rest/api/3/issue', body, jiraCreatedIssueSchema);
  }

  /**
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put
   * With `returnIssue=true` Jira answers 200 with the edited issue (all fields) instead of 204, which
   * saves reading it back.
   */
  editIssue(idOrKey: string, body: { fields: Record<string, unknown> }): Promise<JiraCallResult<JiraIssue>> {
    return this.send('PUT', `/rest/api/3/issue/${encodeURIComponent(idOrKey)}`, body, jiraIssueSchema, { returnIssue: 'true' });
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-transitions/#api-rest-api-3-issue-issueidorkey-transitions-post (204) */
  doTransition(idOrKey: string, transitionId: string): Promise<JiraCallResult<unknown>> {
    return this.send('POST', `/rest/api/3/issue/${encodeURIComponent(idOrKey)}/transitions`, { transition: { id: transitionId } }, z.unknown());
  }

  /** https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post */
  addComment(idOrKey: string, body: Record<string, unknown>): Promise<JiraCallResult<JiraComment>> {
    return this.send('POST', `/rest/api/3/issue/${encodeURIComponent(idOrKey)}/comment`, body, jiraCommentSchema);
  }

  /** Reads retry inside the HTTP client. */
  private get<S extends z.ZodType>(path: string, query: Record<string, string | number | undefined>, schema: S): Promise<JiraCallResult<z.output<S>>> {
    return this.call({ method: 'GET', url: path, query, retry: true }, schema);
  }

  /** Writes never retry here: the outbox retries them, so attempts never multiply. */
  private send<S extends z.ZodType>(method: 'POST' | 'PUT', path: string, json: unknown, schema: S, query?: Record<string, string>): Promise<JiraCallResult<z.output<S>>> {
    return this.call({ method, url: path, json, query, retry: false }, schema);
  }

  private async call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<JiraCallResult<z.output<S>>> {
    const response = await this.http.request({ ...request, headers: { Authorization: this.authorization, Accept: 'application/json' } });
    if (response.status < 200 || response.status >= 300) {
      return { ok: false, status: response.status, message: jiraErrorMessage(response.status, response.body), response };
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
      return { ok: false, status: response.status, message: `Jira answered ${request.method} ${request.url} with an unexpected body: ${problems}`, response };
    }
    return { ok: true, status: response.status, data: parsed.data };
  }
}
