import { z } from 'zod';
import { INCIDENT_FIELDS } from '../contracts/Incident';
import { INCIDENT_KIND } from '../records/kinds/incident';

/** How long an accepted webhook body is remembered to refuse its replays, unless the integration sets `replay_window_hours`. */
export const DEFAULT_REPLAY_WINDOW_HOURS = 24;

/**
 * Integration settings the sync engine reads itself, for every adapter; the rest of `settings`
 * belongs to the adapter and is validated by its own schema.
 */
export const genericSettingsSchema = z.strictObject({
  poll_interval_seconds: z.coerce.number().int().min(0).max(86_400).optional().describe('Poll the platform this often; 0 or absent: webhooks only.'),
  replay_window_hours: z.coerce.number().positive().max(720).optional()
    .describe(`A webhook body identical to one accepted this many hours ago or less is a replay and is not processed again (default ${DEFAULT_REPLAY_WINDOW_HOURS}).`),
  unknown_person: z.enum(['omit', 'dead_letter']).optional()
    .describe('A person with no account on this platform (an assignee, a caller): omit writes the record without that field and warns on the link (default); dead_letter refuses the write.'),
  reconcile_missing: z.enum(['report', 'recreate', 'unlink']).optional()
    .describe('A linked record reconciliation no longer finds on the platform: report it (default), recreate it from the hub record, or unlink it.'),
  reconcile_orphans: z.enum(['report', 'import']).optional()
    .describe('A platform record in scope that no hub record knows: report it (default), or import it as a new hub record.'),
  create_filter: z
    .partialRecord(z.enum(INCIDENT_FIELDS), z.array(z.string()).min(1))
    .optional()
    .describe('Create hub incidents on this platform only when every listed field has one of the listed values (default: all).'),
  create_filters: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.record(z.string(), z.array(z.string()).min(1)))
    .optional()
    .describe('The same per record kind other than incidents: { "<kind>": { "<field>": ["value", ...] } }.'),
});
export type GenericSettings = z.infer<typeof genericSettingsSchema>;

export const GENERIC_SETTING_KEYS = Object.keys(genericSettingsSchema.shape);

/** Splits stored settings into the engine's part and the adapter's part. */
export function splitSettings(settings: Record<string, unknown>): { generic: Record<string, unknown>; adapter: Record<string, unknown> } {
  const generic: Record<string, unknown> = {};
  const adapter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) (GENERIC_SETTING_KEYS.includes(key) ? generic : adapter)[key] = value;
  return { generic, adapter };
}

/** The create filter of a kind: `create_filter` is the incidents' (seed 000), `create_filters` the other kinds'. */
export function createFilterOf(settings: GenericSettings, kind: string): Record<string, string[] | undefined> {
  return settings.create_filters?.[kind] ?? (kind === INCIDENT_KIND.name ? (settings.create_filter ?? {}) : {});
}
