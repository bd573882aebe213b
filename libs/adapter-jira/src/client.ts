import { z, type HttpClient, type HttpResponse } from '@itsm-hub/core';
import { jiraErrorMessage } from './classifyJiraError';
import {
  jiraPermissionsSchema,
  jiraUserListSchema,
  jiraUserSchema,
  type JiraPermissions,
  type JiraUser,
} from './client/types';
import type { JiraCredentials } from './schemas';

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
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
   * Callers without *Browse users and groups* get an empty list, not an error.
   */
  findUsers(query: string, maxResults: number): Promise<JiraCallResult<JiraUser[]>> {
    return this.get('/rest/api/3/user/search', { query, maxResults }, jiraUserListSchema);
  }

  private async get<S extends z.ZodType>(
    path: string,
    query: Record<string, string | number | undefined>,
    schema: S,
  ): Promise<JiraCallResult<z.output<S>>> {
    const response = await this.http.request({
      method: 'GET',
      url: path,
      query,
      headers: { Authorization: this.authorization },
      retry: true,
    });
    if (response.status < 200 || response.status >= 300) {
      return { ok: false, status: response.status, message: jiraErrorMessage(response.status, response.body), response };
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
      return { ok: false, status: response.status, message: `Jira answered GET ${path} with an unexpected body: ${problems}`, response };
    }
    return { ok: true, status: response.status, data: parsed.data };
  }
}
