import { INCIDENT_PRIORITIES, INCIDENT_STATUSES, parseJsonText, z } from '@itsm-hub/core';

export const haloCredentialsSchema = z
  .object({
    client_id: z
      .string({ error: 'client_id is required: the Client ID of the Halo API application' })
      .min(1, 'client_id must not be empty')
      .meta({ description: 'Client ID of the Halo API application (Configuration > Integrations > Halo API)' }),
    client_secret: z
      .string({ error: 'client_secret is required: the Client Secret of the Halo API application' })
      .min(1, 'client_secret must not be empty')
      .meta({ writeOnly: true, description: "The application's client secret" }),
    tenant: z
      .string({ error: 'tenant must be a string (the tenant name of a Halo-hosted instance)' })
      .min(1, 'tenant must not be empty; leave it out for an on-premises instance')
      .optional(),
    auth_server: z
      .url({ protocol: /^https?$/, error: 'auth_server must be an http(s) URL such as https://yourco.haloitsm.com/auth' })
      .optional(),
  })
  .strict();

export type HaloCredentials = z.infer<typeof haloCredentialsSchema>;

function idMap<const K extends readonly [string, ...string[]]>(name: string, keys: K) {
  return z.preprocess(
    parseJsonText,
    z.partialRecord(
      z.enum(keys, { error: `${name} keys must be one of ${keys.join(', ')}` }),
      z.number({ error: `${name} values must be Halo ids (numbers)` }).int(`${name} values must be whole numbers`),
      { error: `${name} must be an object (or JSON text) mapping hub values to Halo ids, e.g. {"new":1}` },
    ),
  );
}

function haloId(name: string) {
  return z.coerce
    .number({ error: `${name} must be a Halo id (a number)` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be a positive Halo id`);
}

export const haloSettingsSchema = z
  .object({
    status_map: idMap('status_map', INCIDENT_STATUSES).optional().meta({ description: 'Hub status -> Halo status id, for statuses your Halo renamed or added' }),
    priority_map: idMap('priority_map', INCIDENT_PRIORITIES).optional().meta({ description: 'Hub priority (P1..P5) -> Halo priority id' }),
    ticket_type_id: haloId('ticket_type_id').optional().meta({ description: 'Ticket type id new tickets get (Configuration > Tickets > Ticket Types)' }),
    client_id_default: haloId('client_id_default').optional().meta({ description: 'Halo client (customer) id new tickets are logged against' }),
  })
  .strict();

export type HaloSettings = z.infer<typeof haloSettingsSchema>;
