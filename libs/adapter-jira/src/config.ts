import { INCIDENT_PRIORITIES, INCIDENT_STATUSES, parseJsonText, z } from '@itsm-hub/core';

/** The canonical priorities, which are the keys `priority_map` accepts. */
export const JIRA_PRIORITY_LEVELS = INCIDENT_PRIORITIES;

const required = (field: string, what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `${field} is required` : `${field} must be ${what}`;

/** Jira Cloud basic auth: the Atlassian account email and an API token created for it. */
export const jiraCredentialSchema = z
  .object({
    email: z.email({ error: required('email', 'the email address of the Atlassian account') }).meta({ description: 'Email address of the Atlassian account the hub acts as' }),
    api_key: z
      .string({ error: required('api_key', 'a string (an Atlassian API token)') })
      .min(1, { error: 'api_key must not be empty: create an API token at id.atlassian.com' })
      .meta({ writeOnly: true, description: 'An API token of that account (id.atlassian.com > Security > API tokens)' }),
  })
  .strict();

export type JiraCredentials = z.infer<typeof jiraCredentialSchema>;

export const jiraSettingsSchema = z
  .object({
    project_key: z
      .string({ error: 'project_key must be a string' })
      .regex(/^[A-Z][A-Z0-9_]+$/, { error: 'project_key must be a Jira project key such as OPS (uppercase letters, digits, _)' })
      .optional()
      .meta({ description: 'Key of the project issues are created in, such as OPS' }),
    issue_type: z.string({ error: 'issue_type must be a string' }).min(1, { error: 'issue_type must not be empty' }).default('Incident').meta({ description: 'Issue type of created issues; it must exist in the project' }),
    status_map: z
      .preprocess(
        parseJsonText,
        z.partialRecord(z.enum(INCIDENT_STATUSES), z.string().min(1, { error: 'Jira status names must not be empty' }), {
          error: 'status_map must be an object (or JSON text) of hub status -> Jira status name',
        }),
      )
      .optional()
      .meta({ description: 'Hub status -> Jira status name, for workflows with other status names' }),
    priority_map: z
      .preprocess(
        parseJsonText,
        z.partialRecord(z.enum(JIRA_PRIORITY_LEVELS), z.string().min(1, { error: 'Jira priority names must not be empty' }), {
          error: 'priority_map must be an object (or JSON text) with keys P1..P5 -> Jira priority name',
        }),
      )
      .optional()
      .meta({ description: 'Hub priority (P1..P5) -> Jira priority name' }),
    internal_comment_role: z
      .string({ error: 'internal_comment_role must be a string' })
      .min(1, { error: 'internal_comment_role must not be empty' })
      .optional()
      .meta({ description: 'Project role that may see comments the hub writes as internal (default Administrators)' }),
  })
  .strict();

export type JiraSettings = z.output<typeof jiraSettingsSchema>;
