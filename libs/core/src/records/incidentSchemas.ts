import { z } from 'zod';
import { INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '../contracts/Incident';
import type { FieldChange } from './HubRecord';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const level = z.number().int().min(1).max(3).nullable().optional();

/** Canonical incident fields a caller may set; `null` clears a field. */
export const incidentFieldsShape = {
  title: text(500),
  description: optionalText(32_000),
  status: z.enum(INCIDENT_STATUSES),
  priority: z.enum(INCIDENT_PRIORITIES).nullable().optional(),
  impact: level,
  urgency: level,
  assignee: z.email().max(320).nullable().optional(),
  assignment_group: optionalText(200),
  category: optionalText(200),
  subcategory: optionalText(200),
  service: optionalText(200),
  caller: z.email().max(320).nullable().optional(),
  resolution_note: optionalText(8_000),
};

export const createIncidentSchema = z.strictObject({ ...incidentFieldsShape, status: incidentFieldsShape.status.default('new') });
export type CreateIncidentInput = z.infer<typeof createIncidentSchema>;

export const updateIncidentSchema = z
  .strictObject({ ...incidentFieldsShape, title: incidentFieldsShape.title.optional(), status: incidentFieldsShape.status.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one field is required' });
export type UpdateIncidentInput = z.infer<typeof updateIncidentSchema>;

export const createCommentSchema = z.strictObject({
  body: text(32_000),
  author: z.string().trim().max(320).optional(),
  visibility: z.enum(['public', 'internal']).default('public'),
});
export type CreateCommentInput = z.infer<typeof createCommentSchema>;

export const listIncidentsQuerySchema = z.strictObject({
  status: z.enum(INCIDENT_STATUSES).optional(),
  priority: z.enum(INCIDENT_PRIORITIES).optional(),
  assignee: z.string().optional(),
  q: z.string().max(200).optional().describe('Substring of the title'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListIncidentsQuery = z.infer<typeof listIncidentsQuerySchema>;

export const INCIDENT_COLUMNS = [
  'title', 'description', 'status', 'priority', 'impact', 'urgency', 'assignee', 'assignment_group',
  'category', 'subcategory', 'service', 'caller', 'resolution_note',
] as const;
export type IncidentColumn = (typeof INCIDENT_COLUMNS)[number];
export type IncidentValues = { [K in IncidentColumn]: K extends 'impact' | 'urgency' ? number | null : K extends 'title' | 'status' ? string : string | null };

export interface Incident extends IncidentValues {
  id: string;
  organization_id: string;
  field_changes: Record<string, FieldChange>;
  version: number;
  origin: string;
  created_at: string;
  updated_at: string;
}

export interface IncidentComment {
  id: string;
  incident_id: string;
  body: string;
  author: string | null;
  visibility: 'public' | 'internal';
  origin: string;
  created_at: string;
}
