import { z } from '@itsm-hub/core';

// Raw PagerDuty REST API v2 shapes, as far as the adapter reads them. Objects are loose on purpose:
// PagerDuty adds fields without a version bump, and only the keys below are relied on.
// Source: PagerDuty/api-schema reference/REST/openapiv3.json (shared/vendor-specs/pagerduty/rest).

/** `components.responses.*` (Unauthorized, Forbidden, NotFound, ArgumentError, TooManyRequests...). */
export const pagerDutyErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    // The spec says an array of strings; some newer endpoints answer a field -> messages object.
    errors: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).optional(),
  }),
});
export type PagerDutyErrorBody = z.infer<typeof pagerDutyErrorBodySchema>;

/** `Reference`: every embedded object (service_reference, user_reference, ...). */
export const pagerDutyReferenceSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  summary: z.string().nullish(),
  self: z.string().nullish(),
  html_url: z.string().nullish(),
});
export type PagerDutyReference = z.infer<typeof pagerDutyReferenceSchema>;

/** `Pagination` (classic offset paging); `total` is null unless `total=true` was asked for. */
export const pagerDutyPaginationSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  more: z.boolean(),
  total: z.number().int().nullish(),
});

/** GET /abilities 200. */
export const pagerDutyAbilitiesSchema = z.looseObject({ abilities: z.array(z.string()) });
export type PagerDutyAbilities = z.infer<typeof pagerDutyAbilitiesSchema>;

export const pagerDutyIncidentSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  incident_number: z.number().int(),
  title: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  urgency: z.enum(['high', 'low']).optional(),
  created_at: z.string(),
  updated_at: z.string().optional(),
  html_url: z.string().nullish(),
  incident_key: z.string().nullish(),
  service: pagerDutyReferenceSchema,
  // Real responses carry `priority: null` when the account has no priorities, though the spec omits nullable.
  priority: pagerDutyReferenceSchema.nullish(),
  assignments: z.array(z.looseObject({ at: z.string(), assignee: pagerDutyReferenceSchema })).optional(),
});
export type PagerDutyIncident = z.infer<typeof pagerDutyIncidentSchema>;

/** GET /incidents 200. */
export const pagerDutyIncidentListSchema = pagerDutyPaginationSchema.extend({ incidents: z.array(pagerDutyIncidentSchema) });
export type PagerDutyIncidentList = z.infer<typeof pagerDutyIncidentListSchema>;

export const pagerDutyServiceSchema = z.looseObject({
  id: z.string(),
  type: z.literal('service'),
  name: z.string(),
  status: z.string().optional(),
});

/** GET /services/{id} 200. */
export const pagerDutyServiceResponseSchema = z.looseObject({ service: pagerDutyServiceSchema });
export type PagerDutyService = z.infer<typeof pagerDutyServiceSchema>;

export const pagerDutyUserSchema = z.looseObject({
  id: z.string(),
  type: z.literal('user'),
  name: z.string(),
  email: z.string(),
});
export type PagerDutyUser = z.infer<typeof pagerDutyUserSchema>;

/** GET /users 200. */
export const pagerDutyUserListSchema = pagerDutyPaginationSchema.extend({ users: z.array(pagerDutyUserSchema) });
export type PagerDutyUserList = z.infer<typeof pagerDutyUserListSchema>;

/** GET/PUT /incidents/{id} 200 and POST /incidents 201. */
export const pagerDutyIncidentResponseSchema = z.looseObject({ incident: pagerDutyIncidentSchema });

/** `IncidentNote`; `user` is a user_reference, or a bot_user_reference when a service wrote it. */
export const pagerDutyNoteSchema = z.looseObject({
  id: z.string(),
  content: z.string(),
  created_at: z.string(),
  user: pagerDutyReferenceSchema.nullish(),
});
export type PagerDutyNote = z.infer<typeof pagerDutyNoteSchema>;

/** GET /incidents/{id}/notes 200 (not paged). */
export const pagerDutyNoteListSchema = z.looseObject({ notes: z.array(pagerDutyNoteSchema) });

/** POST /incidents/{id}/notes 200. */
export const pagerDutyNoteResponseSchema = z.looseObject({ note: pagerDutyNoteSchema });

export const pagerDutyPrioritySchema = z.looseObject({ id: z.string(), name: z.string() });
export type PagerDutyPriority = z.infer<typeof pagerDutyPrioritySchema>;

/** GET /priorities 200; empty when the account has priorities turned off. */
export const pagerDutyPriorityListSchema = pagerDutyPaginationSchema.extend({ priorities: z.array(pagerDutyPrioritySchema) });
export type PagerDutyPriorityList = z.infer<typeof pagerDutyPriorityListSchema>;

/** GET /users/{id} 200. */
export const pagerDutyUserResponseSchema = z.looseObject({ user: pagerDutyUserSchema });

/** `LogEntry`: only the time and the incident (and service) it names are read. */
export const pagerDutyLogEntrySchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  created_at: z.string(),
  incident: pagerDutyReferenceSchema.nullish(),
  service: pagerDutyReferenceSchema.nullish(),
});
export type PagerDutyLogEntry = z.infer<typeof pagerDutyLogEntrySchema>;

/** GET /log_entries 200. */
export const pagerDutyLogEntryListSchema = pagerDutyPaginationSchema.extend({ log_entries: z.array(pagerDutyLogEntrySchema) });
export type PagerDutyLogEntryList = z.infer<typeof pagerDutyLogEntryListSchema>;
