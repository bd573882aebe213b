import { z } from '@itsm-hub/core';

/** PagerDuty REST API key (account-level or user-level); sent as `Authorization: Token token=<token>`. */
export const pagerDutyCredentialsSchema = z
  .object({
    token: z
      .string({ error: 'token is required: a PagerDuty REST API key' })
      .trim()
      .min(1, { error: 'token must not be empty: paste a PagerDuty REST API key' })
      .meta({ writeOnly: true, description: 'A PagerDuty REST API key, account-level or user-level (Integrations > API Access Keys)' }),
  })
  .strict();

const serviceId = z.string().trim().min(1, { error: 'service ids must not be empty' });

export const pagerDutySettingsSchema = z
  .object({
    service_id: serviceId.optional().meta({ description: 'Id of the service incidents are created on, such as PSVC001' }),
    // A flag carries one string, so a comma-separated list is taken too.
    service_ids: z
      .union([
        z.array(serviceId),
        z.string().transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id.length > 0)),
      ], { error: 'service_ids must be an array of service ids or a comma-separated string' })
      .optional()
      .meta({ description: 'Services whose incidents are synced (comma-separated); unset syncs every service' }),
    from_email: z.email({ error: 'from_email must be the email address of a PagerDuty user' }).optional().meta({ description: 'Email of the PagerDuty user writes are made as (the From header)' }),
    urgency_map: z
      .record(z.string(), z.enum(['high', 'low'], { error: "urgency_map values must be 'high' or 'low'" }), {
        error: "urgency_map must map canonical priorities to 'high' or 'low'",
      })
      .optional()
      .meta({ description: 'Hub priority (P1..P5) -> urgency of created incidents, high or low' }),
  })
  .strict();

export type PagerDutyCredentials = z.output<typeof pagerDutyCredentialsSchema>;
export type PagerDutySettings = z.output<typeof pagerDutySettingsSchema>;
