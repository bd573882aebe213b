import { INCIDENT_PRIORITIES, INCIDENT_STATUSES, LINK_STATES, z, type FieldValue, type Incident, type IncidentComment, type LinkView, type SyncStatus } from '@itsm-hub/core';

/*
 * What the API answers, for its OpenAPI document (and so the console's types). Each schema is
 * checked against the core type it documents, so neither can change without the other.
 */

const nullableText = z.string().nullable();
const at = z.string().describe('ISO 8601 timestamp');

export const IncidentSchema: z.ZodType<Incident> = z.object({
  id: z.string(),
  organization_id: z.string(),
  title: z.string(),
  description: nullableText,
  status: z.enum(INCIDENT_STATUSES),
  priority: z.enum(INCIDENT_PRIORITIES).nullable(),
  impact: z.number().nullable(),
  urgency: z.number().nullable(),
  assignee: nullableText,
  assignment_group: nullableText,
  category: nullableText,
  subcategory: nullableText,
  service: nullableText,
  caller: nullableText,
  resolution_note: nullableText,
  field_changes: z.record(z.string(), z.object({ at, origin: z.string().describe('hub, or the id of the integration the change came from') })),
  version: z.number(),
  origin: z.string(),
  created_at: at,
  updated_at: at,
});

export const IncidentCommentSchema: z.ZodType<IncidentComment> = z.object({
  id: z.string(),
  incident_id: z.string(),
  body: z.string(),
  author: nullableText,
  visibility: z.enum(['public', 'internal']),
  origin: z.string(),
  created_at: at,
});

export const IncidentListSchema = z.object({ items: z.array(IncidentSchema), total: z.number() });
export const IncidentDetailSchema = z.intersection(IncidentSchema, z.object({ comments: z.array(IncidentCommentSchema) }));

const reference = z.object({ kind: z.string(), id: z.string() });
// Lists hold texts or references, never lists: no recursion, which OpenAPI tools would have to resolve.
const fieldValue: z.ZodType<FieldValue> = z.union([z.string(), z.number(), z.null(), reference, z.array(z.union([z.string(), z.number(), reference]))]);
const externalValues = z.record(z.string(), fieldValue).describe("Values in the platform's representation");
export const LinkSchema: z.ZodType<LinkView> = z.object({
  id: z.string(),
  record_kind: z.string(),
  record_id: z.string(),
  incident_id: z.string().optional(),
  integration_id: z.string(),
  external_id: nullableText,
  external_table: nullableText,
  sync_direction: z.enum(['published', 'subscribed']).describe('published: the hub created the record on the platform; subscribed: it came from there'),
  external_number: nullableText,
  external_url: nullableText,
  sync_status: z.enum(LINK_STATES),
  retry_count: z.number(),
  last_synced_version: nullableText,
  last_synced_hash: nullableText,
  base: externalValues,
  omitted: externalValues,
  last_error: nullableText,
  last_synced_at: at.nullable(),
  created_at: at,
  updated_at: at,
});

export const SyncStatusSchema: z.ZodType<SyncStatus> = z.object({
  integration_id: z.string(),
  links: z.object(Object.fromEntries(LINK_STATES.map((s) => [s, z.number()])) as Record<(typeof LINK_STATES)[number], z.ZodNumber>),
  outbox_depth: z.number(),
  inbox_depth: z.number(),
  inbound_errors: z.number(),
  last_inbound_error_at: at.nullable(),
  last_inbound_error: nullableText,
  dead_letters: z.number(),
  pending_conflicts: z.number(),
  last_success_at: at.nullable(),
  last_error_at: at.nullable(),
  last_error: nullableText,
  last_polled_at: at.nullable(),
  rate_limited: z.object({ until: at, reason: nullableText, jobs_waiting: z.number() }).nullable(),
  webhook_warning: nullableText,
  webhook_warning_at: at.nullable(),
});
