import { z } from '@itsm-hub/core';

const unknownKeys = (what: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown ${what} field(s): ${(issue.keys ?? []).join(', ')}` : undefined;

const field = (name: string) =>
  z.string({ error: `${name} must be a string` }).min(1, { error: `${name} must not be empty` }).optional();
/** Secret fields are write-only: forms never show them back. */
const secret = (name: string, description: string) => field(name).meta({ writeOnly: true, description });

/**
 * ServiceNow credentials. Which fields are present picks the auth mode:
 * client_id + client_secret + username + password: OAuth password grant;
 * client_id + client_secret: OAuth client_credentials grant; username + password: HTTP Basic.
 */
export const credentialSchema = z
  .object(
    {
      username: field('username').meta({ description: 'ServiceNow user the hub acts as (Basic auth, or the OAuth password grant)' }),
      password: secret('password', "That user's password"),
      client_id: field('client_id').meta({ description: 'Client ID of an OAuth application registry entry (System OAuth > Application Registry)' }),
      client_secret: secret('client_secret', "That application's client secret"),
    },
    { error: unknownKeys('credential') },
  )
  .strict()
  .superRefine((value, ctx) => {
    const pairs = [
      ['username', 'password'],
      ['client_id', 'client_secret'],
    ] as const;
    let complete = false;
    let halfPair = false;
    for (const [a, b] of pairs) {
      if (value[a] && value[b]) complete = true;
      else if (value[a] || value[b]) {
        halfPair = true;
        const [given, missing] = value[a] ? [a, b] : [b, a];
        ctx.addIssue({ code: 'custom', path: [missing], message: `${missing} is required when ${given} is given` });
      }
    }
    if (!complete && !halfPair) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'missing credentials: give username and password (Basic), or client_id and client_secret (OAuth), or all four (OAuth password grant)',
      });
    }
  });

export type ServiceNowCredentials = z.infer<typeof credentialSchema>;

export const DEFAULT_INCIDENT_TABLE = 'incident';
/** Base-system Resolution code choice; instances often rename their choices, hence the setting. */
export const DEFAULT_CLOSE_CODE = 'Solved (Permanently)';

/** How old a delivery's signed sent_at may be, unless settings.signed_timestamp_max_age_seconds says otherwise. */
export const DEFAULT_SIGNED_TIMESTAMP_MAX_AGE_SECONDS = 300;

export const settingsSchema = z
  .object(
    {
      incident_table: z
        .string({ error: 'incident_table must be a string' })
        .regex(/^[a-z][a-z0-9_]*$/, { error: 'incident_table must be a table name such as incident or u_incident' })
        .default(DEFAULT_INCIDENT_TABLE)
        .meta({ description: 'Table incidents are read from and written to: incident, or a table extending it such as u_incident' }),
      // Kept for integrations created before incident_query existed; incident_query wins when both are set.
      encoded_query: z.string({ error: 'encoded_query must be a string (a ServiceNow encoded query)' }).optional().meta({ description: 'Older name of incident_query' }),
      incident_query: z
        .string({ error: 'incident_query must be a string (a ServiceNow encoded query)' })
        .refine((q) => !/(^|\^)ORDERBY/.test(q), { error: 'incident_query must not contain ORDERBY: the adapter orders listings itself' })
        .optional()
        .meta({ description: 'Encoded query limiting which incidents are synced, such as assignment_group=<sys_id> (no ORDERBY)' }),
      close_code: z.string({ error: 'close_code must be a string' }).min(1, { error: 'close_code must not be empty' }).optional().meta({ description: 'Resolution code set when the hub resolves an incident, for instances whose data policy requires one' }),
      api_version: z
        .string({ error: 'api_version must be a string' })
        .regex(/^v\d+$/, { error: "api_version must look like 'v1' or 'v2'" })
        .optional()
        .meta({ description: 'Table API version such as v2; unset uses the unversioned API' }),
      require_signed_timestamp: z
        .boolean({ error: 'require_signed_timestamp must be true or false' })
        .optional()
        .meta({ description: 'Refuse webhook deliveries without a signed sent_at (sent by the README script of before it); on for integrations created since' }),
      signed_timestamp_max_age_seconds: z.coerce
        .number({ error: 'signed_timestamp_max_age_seconds must be a number of seconds' })
        .int({ error: 'signed_timestamp_max_age_seconds must be a whole number of seconds' })
        .min(30, { error: 'signed_timestamp_max_age_seconds must be at least 30' })
        .max(86_400, { error: 'signed_timestamp_max_age_seconds must be at most 86400' })
        .optional()
        .meta({ description: `Refuse webhook deliveries signed longer ago than this, or this far in the future (default ${DEFAULT_SIGNED_TIMESTAMP_MAX_AGE_SECONDS})` }),
    },
    { error: unknownKeys('setting') },
  )
  .strict();

/** Settings as stored on an integration (every field optional). */
export type ServiceNowSettings = z.input<typeof settingsSchema>;
