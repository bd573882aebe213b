import { z } from '@itsm-hub/core';
import { actionSchema } from './client/types';

/**
 * A Halo webhook notification (see ASSUMPTION webhook-payload): the event name, the ticket and, for action
 * events, the action. Loose: Halo sends the whole ticket and action objects.
 */
export const webhookNotificationSchema = z.looseObject({
  event: z.string().min(1),
  ticket: z.looseObject({
    id: z.number().int(),
    summary: z.string().nullish(),
    details: z.string().nullish(),
    status_id: z.number().int().nullish(),
    priority_id: z.number().int().nullish(),
    last_update: z.string().nullish(),
    third_party_id: z.string().nullish(),
  }),
  action: actionSchema.nullish(),
});
export type WebhookNotification = z.infer<typeof webhookNotificationSchema>;

/** One notification, or a batched delivery of several. */
export const webhookBodySchema = z.union([webhookNotificationSchema, z.array(webhookNotificationSchema).min(1)]);
