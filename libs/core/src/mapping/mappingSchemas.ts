import { z } from 'zod';
import { INCIDENT_FIELDS } from '../contracts/Incident';

export const fieldMappingSchema = z.strictObject({
  field: z.enum(INCIDENT_FIELDS),
  external_field: z.string().trim().min(1).max(200),
  direction: z.enum(['inbound', 'outbound', 'bidirectional']),
  value_map: z.record(z.string(), z.string()).optional(),
  default: z.string().optional(),
});

export const putMappingsSchema = z.strictObject({ mappings: z.array(fieldMappingSchema).max(200) });
export type PutMappingsInput = z.infer<typeof putMappingsSchema>;
