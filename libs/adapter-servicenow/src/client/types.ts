import { z } from '@itsm-hub/core';

/**
 * Raw ServiceNow response shapes, validated before use.
 * https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
 */

/** https://docs.servicenow.com/bundle/xanadu-platform-security/page/administer/security/reference/r_OAuthAPIRequestParameters.html */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  // The password grant returns a refresh token; refresh and client_credentials grants do not.
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
  // Documented captures send a number (1799); a numeric string is accepted too.
  expires_in: z.union([z.number().positive(), z.string().regex(/^\d+$/).transform(Number)]),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Token endpoint failure, e.g. 401 {"error_description":"access_denied","error":"server_error"}. */
export const tokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});
export type TokenError = z.infer<typeof tokenErrorSchema>;

/** Table API failure envelope; `detail` is sometimes null. */
export const tableErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    detail: z.string().nullish(),
  }),
  status: z.string().optional(),
});
export type TableError = z.infer<typeof tableErrorSchema>;

/** A reference field when sysparm_exclude_reference_link is false. */
export const referenceValueSchema = z.object({ link: z.string().optional(), value: z.string() });

/** Every field value is a string, a reference object, or (sysparm_display_value=all) a value pair. */
export const fieldValueSchema = z.union([
  z.string(),
  referenceValueSchema,
  z.object({ display_value: z.string().nullable(), value: z.string().nullable(), link: z.string().optional() }),
]);

export const tableRecordSchema = z.record(z.string(), fieldValueSchema);
export type TableRecord = z.infer<typeof tableRecordSchema>;

/** GET /api/now/table/{tableName}: {"result":[...]} with X-Total-Count and Link headers. */
export const tableListSchema = z.object({ result: z.array(tableRecordSchema) });
export type TableList = z.infer<typeof tableListSchema>;

/** GET /{sys_id}, POST and PATCH answer one record: {"result":{...}}. */
export const tableRecordResultSchema = z.object({ result: tableRecordSchema });
