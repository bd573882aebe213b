import { z } from '@itsm-hub/core';

/**
 * The hub's own ServiceNow webhook (instances have no native signed webhooks): the JSON the README's
 * Business Rules post, and the emulator posts, after each incident change. All values are strings,
 * as GlideRecord.getValue returns them; dates are the instance's UTC `yyyy-MM-dd HH:mm:ss`.
 */
export const WEBHOOK_EVENTS = ['incident.created', 'incident.updated', 'incident.commented'] as const;

/** Incident fields whose changes the Business Rule reports in `changed_fields`. */
export const WATCHED_FIELDS = [
  'short_description', 'description', 'state', 'impact', 'urgency', 'priority', 'assigned_to', 'caller_id',
  'assignment_group', 'category', 'subcategory', 'close_code', 'close_notes', 'correlation_id',
] as const;

export const webhookCommentSchema = z.object({
  sys_id: z.string().min(1),
  element: z.enum(['comments', 'work_notes']),
  value: z.string(),
  sys_created_by: z.string(),
  sys_created_on: z.string(),
});

export const webhookPayloadSchema = z.object({
  event: z.enum(WEBHOOK_EVENTS),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, { error: 'sys_id must be a 32-character hex sys_id' }),
  number: z.string(),
  sys_updated_on: z.string(),
  sys_mod_count: z.string().regex(/^\d+$/, { error: 'sys_mod_count must be a whole number' }),
  correlation_id: z.string(),
  changed_fields: z.array(z.string()),
  /**
   * The watched fields as the hub reads them (people by email, the group by name). Scripts older
   * than this field do not send it; with it the hub recognises the echo of its own write at receipt.
   */
  values: z.record(z.string(), z.string()).optional(),
  comment: webhookCommentSchema.optional(),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export const SIGNATURE_HEADER = 'x-hub-signature-256';
export const DELIVERY_HEADER = 'x-hub-delivery';
