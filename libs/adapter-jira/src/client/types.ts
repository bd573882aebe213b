import { z } from '@itsm-hub/core';

/**
 * Raw Jira Cloud REST v3 shapes, as far as the adapter reads them. Objects stay loose (`z.looseObject`)
 * because Jira adds properties over time; only the fields we rely on are required.
 * Source: tools/vendor-specs/jira/swagger-v3.v3.json (components.schemas.*).
 */

/** `ErrorCollection`: the body of most Jira error responses. */
export const jiraErrorCollectionSchema = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  status: z.number().int().optional(),
});
export type JiraErrorCollection = z.infer<typeof jiraErrorCollectionSchema>;

/** Shape Atlassian's edge has answered 401s with instead of an ErrorCollection (seen in the wild). */
export const jiraGatewayErrorSchema = z.looseObject({
  message: z.string(),
  'status-code': z.number().int().optional(),
});

/** `User` as returned by `GET /rest/api/3/myself` and `GET /rest/api/3/user/search`. */
export const jiraUserSchema = z.looseObject({
  accountId: z.string().min(1),
  accountType: z.string().optional(),
  // Hidden (absent) when the user's profile visibility settings say so.
  emailAddress: z.string().optional(),
  displayName: z.string().optional(),
  active: z.boolean(),
  timeZone: z.string().optional(),
  locale: z.string().optional(),
  self: z.string().optional(),
});
export type JiraUser = z.infer<typeof jiraUserSchema>;

export const jiraUserListSchema = z.array(jiraUserSchema);

export const JIRA_PERMISSION_TYPES = ['GLOBAL', 'PROJECT'] as const;

/** `UserPermission`: one entry of `Permissions.permissions`. */
export const jiraUserPermissionSchema = z.looseObject({
  id: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
  type: z.enum(JIRA_PERMISSION_TYPES).optional(),
  description: z.string().optional(),
  havePermission: z.boolean(),
  deprecatedKey: z.boolean().optional(),
});
export type JiraUserPermission = z.infer<typeof jiraUserPermissionSchema>;

/** `Permissions`: the body of `GET /rest/api/3/mypermissions`. */
export const jiraPermissionsSchema = z.looseObject({
  permissions: z.record(z.string(), jiraUserPermissionSchema),
});
export type JiraPermissions = z.infer<typeof jiraPermissionsSchema>;

/** `Project`, as far as the connection test needs it: issue types are in every answer by default. */
export const jiraProjectSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  issueTypes: z.array(z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).default([]),
});
export type JiraProject = z.infer<typeof jiraProjectSchema>;

/** `StatusDetails`, as far as an issue's `status` and a transition's `to` carry it. */
export const jiraStatusSchema = z.looseObject({ id: z.string().optional(), name: z.string() });

/**
 * The issue fields the adapter reads (`IssueBean.fields` is a free-form map). `description` stays
 * unknown: ADF is converted, not validated node by node.
 */
export const jiraIssueFieldsSchema = z.looseObject({
  summary: z.string().nullish(),
  description: z.unknown().optional(),
  status: jiraStatusSchema.nullish(),
  priority: z.looseObject({ id: z.string().optional(), name: z.string() }).nullish(),
  assignee: z.looseObject({ accountId: z.string(), emailAddress: z.string().optional() }).nullish(),
  labels: z.array(z.string()).nullish(),
  project: z.looseObject({ key: z.string() }).nullish(),
  issuetype: z.looseObject({ name: z.string() }).nullish(),
  updated: z.string().nullish(),
  created: z.string().nullish(),
});

/** `IssueBean` from GET /issue/{key} and the search results. */
export const jiraIssueSchema = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  // Absent when only `id` or `key` was asked for.
  fields: jiraIssueFieldsSchema.default({}),
});
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

/** `SearchAndReconcileResults`: `nextPageToken` is absent on the last page and there is no total. */
export const jiraSearchResultsSchema = z.looseObject({
  issues: z.array(jiraIssueSchema),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
export type JiraSearchResults = z.infer<typeof jiraSearchResultsSchema>;

/** `CreatedIssue` (201 of POST /issue). */
export const jiraCreatedIssueSchema = z.looseObject({ id: z.string().min(1), key: z.string().min(1) });
export type JiraCreatedIssue = z.infer<typeof jiraCreatedIssueSchema>;

/** `Comment`. `visibility` restricts it to a role or group; `jsdPublic: false` is a JSM internal note. */
export const jiraCommentSchema = z.looseObject({
  id: z.string().min(1),
  body: z.unknown().optional(),
  author: z.looseObject({ accountId: z.string().optional(), emailAddress: z.string().optional(), displayName: z.string().optional() }).optional(),
  created: z.string().optional(),
  visibility: z.looseObject({ type: z.string().optional(), value: z.string().optional() }).nullish(),
  jsdPublic: z.boolean().optional(),
});
export type JiraComment = z.infer<typeof jiraCommentSchema>;

/** `PageOfComments` (offset paging). */
export const jiraCommentPageSchema = z.looseObject({
  comments: z.array(jiraCommentSchema),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
});
export type JiraCommentPage = z.infer<typeof jiraCommentPageSchema>;

/** `Transitions`: the transitions available from the issue's current status. */
export const jiraTransitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string().min(1), name: z.string(), to: jiraStatusSchema })),
});
export type JiraTransitions = z.infer<typeof jiraTransitionsSchema>;
