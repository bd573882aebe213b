import {
  type ActivityHour, type IntakeKey, type MaintenanceWindow, type MappingService, type MappingView, ALERT_STATUSES, CATEGORIES, FIELD_OWNERS, groupBySchema, ITEM_CATEGORIES, ITEM_OUTCOMES, RUN_STATUSES, RUN_TRIGGERS, RUN_TYPES, type ItemCategory, type RunItem, type ScheduleView, type SyncRun, INCIDENT_PRIORITIES, INCIDENT_STATUSES, LINK_STATES, z, type AlertMappingService, type AlertView, type ConflictView, type DeadLetterEntry, type FieldValue, type InboxEntry, type Incident, type IncidentComment, type LinkView, type SyncStatus,
} from '@itsm-hub/core';

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
  health: z.enum(['healthy', 'attention', 'failing']).describe('failing with dead letters; attention with errors, conflicts or a rate limit; else healthy'),
});

export const ConflictSchema: z.ZodType<ConflictView> = z.object({
  id: z.string(),
  record_kind: z.string(),
  record_id: z.string(),
  incident_id: nullableText,
  integration_id: z.string(),
  field_name: z.string(),
  external_field: z.string(),
  platform_value: nullableText.describe("The hub's value (seed 000 calls the hub the platform)"),
  external_value: nullableText.describe("The integration's platform's value"),
  base_value: nullableText.describe('The value both last agreed on'),
  status: z.enum(['pending', 'resolved', 'ignored']),
  resolution: nullableText,
  strategy: z.string(),
  detected_at: at,
  resolved_at: at.nullable(),
});
export const ConflictListSchema = z.object({ items: z.array(ConflictSchema), total: z.number() });

export const DeadLetterSchema: z.ZodType<DeadLetterEntry> = z.object({
  id: z.string(),
  integration_id: z.string(),
  record_kind: z.string(),
  record_id: z.string(),
  incident_id: nullableText,
  job: z.enum(['record', 'journal']),
  journal_id: nullableText,
  origin: z.string(),
  corrective: z.boolean(),
  request: z.unknown(),
  error_message: z.string(),
  error_status: z.number().nullable(),
  error_kind: nullableText,
  attempts: z.number(),
  created_at: at,
});
export const DeadLetterListSchema = z.object({ items: z.array(DeadLetterSchema), total: z.number() });

export const InboxEntrySchema: z.ZodType<InboxEntry> = z.object({
  id: z.string(),
  record_kind: z.string(),
  external_id: z.string(),
  source: z.enum(['webhook', 'poll']),
  event_type: z.string(),
  state: z.enum(['pending', 'failed']),
  attempts: z.number(),
  error_kind: z.enum(['not_found', 'rejected', 'exhausted']).nullable(),
  error_status: z.number().nullable(),
  last_error: nullableText,
  received_at: at,
  next_attempt_at: at.nullable(),
  failed_at: at.nullable(),
});
export const InboxListSchema = z.object({ items: z.array(InboxEntrySchema), total: z.number() });

const labels = z.record(z.string(), z.string());
const TicketSchema = z.object({
  integration_id: z.string(),
  integration_name: z.string(),
  integration_type: z.string(),
  external_id: nullableText,
  number: nullableText,
  table: nullableText,
  url: nullableText,
  sync_status: z.string(),
  last_synced_at: at.nullable(),
});

export const AlertSchema: z.ZodType<AlertView> = z.object({
  id: z.string(),
  organization_id: z.string(),
  source: z.string(),
  alert_type: nullableText,
  severity: nullableText,
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  labels,
  annotations: labels,
  dedup_key: z.string(),
  fingerprint: nullableText,
  group_key: nullableText,
  generator_url: nullableText,
  status: z.enum(ALERT_STATUSES),
  mapping_id: nullableText,
  incident_id: nullableText,
  storm_id: nullableText,
  count: z.number(),
  window_started_at: at,
  window_firings: z.number(),
  first_seen: at,
  last_seen: at,
  starts_at: at.nullable(),
  ends_at: at.nullable(),
  acknowledged_at: at.nullable(),
  resolved_at: at.nullable(),
  last_comment_at: at.nullable(),
  error: nullableText,
  mapping_name: nullableText,
  incident: z.object({ id: z.string(), title: z.string(), status: z.string() }).nullable(),
  tickets: z.array(TicketSchema).describe('The incident\'s record on each integration (seed 004\'s ticket reference)'),
});

type AlertMappingView = ReturnType<AlertMappingService['toView']>;
export const AlertMappingSchema: z.ZodType<AlertMappingView> = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  alert_type: nullableText,
  match: labels,
  integrations: z.array(z.string()),
  fields: z.record(z.string(), z.string()),
  platform_fields: z.record(z.string(), z.record(z.string(), z.string())),
  severity_map: z.record(z.string(), z.enum(INCIDENT_PRIORITIES)),
  group_by: groupBySchema,
  reopen_window: nullableText,
  on_resolved: z.enum(['resolve', 'comment', 'none']),
  mode: z.enum(['auto', 'approve']),
  storm: z.object({ window: z.string(), threshold: z.number().optional(), min_firings: z.number().optional() }).nullable(),
  created_at: at,
  updated_at: at,
});

export const SyncRunSchema: z.ZodType<SyncRun> = z.object({
  id: z.string(),
  organization_id: z.string(),
  integration_id: z.string(),
  type: z.enum(RUN_TYPES),
  trigger: z.enum(RUN_TRIGGERS),
  status: z.enum(RUN_STATUSES),
  dry_run: z.boolean(),
  auto_heal: z.boolean(),
  kinds: z.array(z.string()),
  started_at: at,
  completed_at: at.nullable(),
  applied_at: at.nullable(),
  total_expected: z.number().nullable().describe("Records the platform said the scan would see, where it says (ServiceNow's X-Total-Count)"),
  total_checked: z.number(),
  counts: z.object(Object.fromEntries(CATEGORIES.map((c) => [c, z.number()])) as Record<(typeof CATEGORIES)[number], z.ZodNumber>),
  discrepancies_found: z.number(),
  auto_healed: z.number(),
  failed_items: z.number(),
  error: nullableText,
});

export const RunItemSchema: z.ZodType<RunItem> = z.object({
  id: z.string(),
  run_id: z.string(),
  record_kind: z.string(),
  record_id: nullableText,
  external_id: nullableText,
  external_number: nullableText,
  category: z.enum(ITEM_CATEGORIES as [ItemCategory, ...ItemCategory[]]),
  matched_by: z.enum(['link', 'correlation_id', 'number', 'none']),
  fields: z.array(z.object({
    field: z.string(),
    external_field: z.string(),
    hub: fieldValue,
    external: fieldValue,
    base: fieldValue,
    owner: z.enum(FIELD_OWNERS).nullable(),
    action: z.enum(['push', 'pull', 'conflict', 'held']),
    reason: z.string(),
  })),
  action: z.enum(['update', 'create', 'recreate', 'unlink', 'relink', 'import', 'none']),
  outcome: z.enum(ITEM_OUTCOMES),
  message: nullableText,
  hub_version: z.number().nullable(),
  external_version: nullableText,
});

export const ScheduleSchema: z.ZodType<ScheduleView> = z.object({
  id: z.string(),
  integration_id: z.string(),
  type: z.enum(RUN_TYPES),
  cron: z.string(),
  timezone: z.string(),
  dry_run: z.boolean(),
  auto_heal: z.boolean(),
  created_at: at,
  updated_at: at,
  next_run_at: at.nullable(),
});

export const ActivityHourSchema: z.ZodType<ActivityHour> = z.object({
  hour: at.describe('Start of the hour (UTC)'),
  calls: z.number(),
  writes: z.number().describe('Successful creates, updates and comments'),
  errors: z.number(),
});

export const MappingViewSchema: z.ZodType<MappingView> = z.object({
  kind: z.string(),
  source: z.enum(['default', 'custom']),
  mappings: z.array(z.object({
    field: z.string(),
    external_field: z.string(),
    direction: z.enum(['inbound', 'outbound', 'bidirectional']),
    value_map: z.record(z.string(), z.string()).optional(),
    default: z.string().optional(),
  })),
  linked_records_differing: z.number().optional().describe('After a replace: linked records whose platform values differ from the hub\'s under the new mappings'),
});

export const IntakeKeySchema: z.ZodType<IntakeKey> = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  hint: z.string().describe('The last characters of the key, to tell keys apart'),
  created_at: at,
  revoked_at: at.nullable(),
});
export const NewIntakeKeySchema = z.intersection(IntakeKeySchema, z.object({ routing_key: z.string().describe('The key itself: answered this once, never again') }));

export const MaintenanceWindowSchema: z.ZodType<MaintenanceWindow> = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  match: labels,
  starts_at: at,
  ends_at: at,
  created_at: at,
});

type AuditPage = Awaited<ReturnType<MappingService['audit']>>;
export const AuditPageSchema: z.ZodType<AuditPage> = z.object({
  total: z.number(),
  items: z.array(z.object({
    id: z.string(),
    operation: z.string().describe('create, update, comment, read, find, list, test, or request outside a sync operation'),
    entity_type: nullableText,
    entity_id: nullableText,
    external_id: nullableText,
    method: z.string(),
    path: z.string().describe('Without its query string'),
    status: z.number().nullable().describe('The HTTP status the platform answered'),
    result: z.enum(['success', 'error']),
    duration_ms: z.number(),
    error: nullableText,
    request_payload: z.looseObject({}).nullable().describe('Redacted and cut to 4 KB, kept only with HUB_AUDIT_PAYLOADS=true'),
    response_payload: z.looseObject({}).nullable(),
    created_at: at,
  })),
});
