import { z } from 'zod';
import { INCIDENT_PRIORITIES } from '../contracts/Incident';

/** Label and annotation values are strings (Prometheus); names follow Prometheus' label name rule. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelMap = z.record(z.string().regex(LABEL_NAME, 'label names are letters, digits and underscores, not starting with a digit').max(200), z.string().max(10_000));
const timestamp = z.iso.datetime({ offset: true });

/**
 * Prometheus Alertmanager's webhook body, version 4, as Alertmanager sends it
 * (docs/configuration.md, `<webhook_config>`). Unknown fields are refused: a newer version of the
 * format is a 400 naming the field rather than alerts half understood.
 */
export const alertmanagerAlertSchema = z.strictObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: timestamp,
  // Alertmanager sends the zero time for alerts without an end.
  endsAt: z.string().max(40).optional(),
  generatorURL: z.string().max(2_000).optional(),
  fingerprint: z.string().min(1).max(255),
});

export const alertmanagerPayloadSchema = z.strictObject({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(10_000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(500),
  groupLabels: labelMap,
  commonLabels: labelMap,
  commonAnnotations: labelMap,
  externalURL: z.string().max(2_000),
  notification_reason: z.string().max(100).optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1).max(1_000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

export const EVENT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** PagerDuty Events API v2 (`docs/events-API-v2/02-Trigger-Events.md`); acknowledge and resolve need only the key. */
export const eventsV2Schema = z.strictObject({
  routing_key: z.string().min(1).max(200),
  event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255).optional(),
  payload: z.strictObject({
    summary: z.string().min(1).max(1_024),
    source: z.string().min(1).max(255),
    severity: z.enum(EVENT_SEVERITIES),
    timestamp: timestamp.optional(),
    component: z.string().max(255).optional(),
    group: z.string().max(255).optional(),
    class: z.string().max(255).optional(),
    custom_details: z.unknown().optional(),
  }).optional(),
  images: z.array(z.unknown()).max(50).optional(),
  links: z.array(z.unknown()).max(50).optional(),
  client: z.string().max(255).optional(),
  client_url: z.string().max(2_000).optional(),
}).superRefine((event, ctx) => {
  if (event.event_action === 'trigger' && !event.payload) ctx.addIssue({ code: 'custom', path: ['payload'], message: 'is required for trigger events' });
  if (event.event_action !== 'trigger' && !event.dedup_key) ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: `is required for ${event.event_action} events` });
});
export type EventsV2Event = z.infer<typeof eventsV2Schema>;

/** The hub's own alert JSON. */
export const ownAlertSchema = z.strictObject({
  source: z.string().trim().min(1).max(255),
  type: z.string().trim().min(1).max(255).optional(),
  severity: z.string().trim().min(1).max(50).optional(),
  summary: z.string().trim().min(1).max(1_024),
  details: z.record(z.string(), z.unknown()).default({}),
  labels: labelMap.default({}),
  dedup_key: z.string().min(1).max(255).optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
});
export type OwnAlert = z.infer<typeof ownAlertSchema>;

/** `90s`, `30m`, `24h`, `7d`: a duration in seconds. */
export const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,6}[smhd]$/, 'a duration such as 90s, 30m, 24h or 7d')
  .transform((value) => Number(value.slice(0, -1)) * { s: 1, m: 60, h: 3_600, d: 86_400 }[value.slice(-1) as 's' | 'm' | 'h' | 'd']);

export function durationText(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** Incident fields a mapping may fill from templates: not status (alerts drive it) nor the resolution note. */
export const TEMPLATE_FIELDS = ['title', 'description', 'category', 'subcategory', 'service', 'assignment_group', 'assignee', 'caller', 'impact', 'urgency'] as const;

const templateText = z.string().max(10_000);
const mappingName = z.string().trim().min(1).max(100).regex(/^[^/\s][^/]*$/, 'must not contain "/" nor start with a space');

const stormShape = z.strictObject({
  window: durationSchema,
  threshold: z.number().int().min(1).max(100_000).optional(),
  min_firings: z.number().int().min(2).max(100_000).optional(),
}).refine((storm) => storm.threshold !== undefined || storm.min_firings !== undefined, { message: 'needs threshold, min_firings or both' });

export const groupBySchema = z.union([
  z.enum(['alert', 'group']),
  z.array(z.string().regex(LABEL_NAME, 'a label name')).min(1).max(20),
]);
export type GroupBy = z.infer<typeof groupBySchema>;

const mappingShape = {
  name: mappingName,
  alert_type: z.string().trim().min(1).max(255).nullable().optional(),
  match: labelMap.default({}),
  integrations: z.array(z.string().min(1)).min(1, 'name at least one integration').max(20),
  fields: z.partialRecord(z.enum(TEMPLATE_FIELDS), templateText).default({}),
  platform_fields: z.record(z.string().min(1), z.record(z.string().min(1).max(100), z.string().max(10_000))).default({}),
  severity_map: z.record(z.string().min(1).max(50), z.enum(INCIDENT_PRIORITIES)).default({}),
  group_by: groupBySchema.default('alert'),
  reopen_window: durationSchema.nullable().optional(),
  on_resolved: z.enum(['resolve', 'comment', 'none']).default('resolve'),
  mode: z.enum(['auto', 'approve']).default('auto'),
  storm: stormShape.nullable().optional(),
};

export const createAlertMappingSchema = z.strictObject(mappingShape);
export type CreateAlertMappingInput = z.infer<typeof createAlertMappingSchema>;

export const updateAlertMappingSchema = z
  .strictObject(Object.fromEntries(Object.entries(mappingShape).map(([k, v]) => [k, (v as z.ZodType).optional()])) as { [K in keyof typeof mappingShape]: z.ZodOptional<(typeof mappingShape)[K]> })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one field is required' });
export type UpdateAlertMappingInput = z.infer<typeof updateAlertMappingSchema>;

export const ALERT_STATUSES = ['firing', 'acknowledged', 'resolved', 'unmapped', 'suppressed', 'pending_approval', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const listAlertsQuerySchema = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  mapping: z.string().min(1).optional(),
  dedup_key: z.string().min(1).optional(),
  incident_id: z.string().min(1).optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListAlertsQuery = z.infer<typeof listAlertsQuerySchema>;

export const createMaintenanceWindowSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  match: labelMap.default({}),
  starts_at: timestamp,
  ends_at: timestamp,
}).refine((w) => Date.parse(w.ends_at) > Date.parse(w.starts_at), { path: ['ends_at'], message: 'must be after starts_at' });
export type CreateMaintenanceWindowInput = z.infer<typeof createMaintenanceWindowSchema>;

export const createIntakeKeySchema = z.strictObject({ name: z.string().trim().min(1).max(100) });
