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
});
export type HaloTicket = z.infer<typeof ticketSchema>;

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
