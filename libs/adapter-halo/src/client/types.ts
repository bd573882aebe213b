import { z } from '@itsm-hub/core';

/** Raw Halo API shapes. Objects are loose: Halo returns many more fields than the hub reads. */

/** Token response of the authorisation server (vendor-apis.md 4.1). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});
export type HaloTokenResponse = z.infer<typeof tokenResponseSchema>;

/** RFC 6749 error body of the authorisation server (see ASSUMPTION token-errors). */
export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});
export type HaloOAuthError = z.infer<typeof oauthErrorSchema>;

/** A ticket ("Fault" inside Halo) as `GET /api/Tickets` lists it. */
export const ticketSchema = z.looseObject({
  id: z.number().int(),
  summary: z.string().nullish(),
  details: z.string().nullish(),
  status_id: z.number().int().nullish(),
  priority_id: z.number().int().nullish(),
  agent_id: z.number().int().nullish(),
  client_id: z.number().int().nullish(),
  tickettype_id: z.number().int().nullish(),
  dateoccurred: z.string().nullish(),
  lastactiondate: z.string().nullish(),
  /** See ASSUMPTION last-update and correlation-field. */
  last_update: z.string().nullish(),
  third_party_id: z.string().nullish(),
});
export type HaloTicket = z.infer<typeof ticketSchema>;

/** What `POST /api/Tickets` answers for a one-ticket array (see ASSUMPTION ticket-upsert). */
export const upsertAnswerSchema = z.union([ticketSchema, z.array(ticketSchema).length(1)]).transform((answer) => (Array.isArray(answer) ? answer[0] : answer));

/** A ticket action: a note, an email, a status change (see ASSUMPTION actions). */
export const actionSchema = z.looseObject({
  id: z.number().int(),
  ticket_id: z.number().int(),
  outcome: z.string().nullish(),
  note: z.string().nullish(),
  hiddenfromuser: z.boolean().nullish(),
  who: z.string().nullish(),
  datetime: z.string().nullish(),
});
export type HaloAction = z.infer<typeof actionSchema>;

export const actionListSchema = z.looseObject({
  record_count: z.number().int().nonnegative(),
  actions: z.array(actionSchema),
});
export type HaloActionList = z.infer<typeof actionListSchema>;

export const actionAnswerSchema = z.union([actionSchema, z.array(actionSchema).length(1)]).transform((answer) => (Array.isArray(answer) ? answer[0] : answer));

/** Paged listing: `{"record_count":N,"tickets":[...]}` (vendor-apis.md 4.4). */
export const ticketListSchema = z.looseObject({
  record_count: z.number().int().nonnegative(),
  tickets: z.array(ticketSchema),
});
export type HaloTicketList = z.infer<typeof ticketListSchema>;

export const agentSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullish(),
  isdisabled: z.boolean().optional(),
});
export type HaloAgent = z.infer<typeof agentSchema>;

/** `GET /api/Agent` answers a bare array (see ASSUMPTION agents-endpoint). */
export const agentListSchema = z.array(agentSchema);
export type HaloAgentList = z.infer<typeof agentListSchema>;
