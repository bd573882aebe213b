import { z } from '@itsm-hub/core';

/**
 * Raw Jira Cloud REST v3 shapes, as far as the adapter reads them. Objects stay loose (`z.looseObject`)
 * because Jira adds properties over time; only the fields we rely on are required.
 * Source: shared/vendor-specs/jira/swagger-v3.v3.json (components.schemas.*).
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
