import { z } from 'zod';

export const fieldMappingSchema = z.strictObject({
  field: z.string().trim().min(1).max(100).describe('A field of the record kind (for incidents: title, status, priority, ...).'),
  external_field: z.string().trim().min(1).max(200),
  direction: z.enum(['inbound', 'outbound', 'bidirectional']),
  value_map: z.record(z.string(), z.string()).optional(),
  default: z.string().optional(),
});

export const putMappingsSchema = z.strictObject({ mappings: z.array(fieldMappingSchema).max(200) });
export type PutMappingsInput = z.infer<typeof putMappingsSchema>;

/** `?kind=`: the record kind an endpoint is about; incidents when absent (seed 000's endpoints). */
export const kindQuery = z.string().regex(/^[a-z][a-z0-9_]*$/).default('incident').describe('Record kind (default incident).');
