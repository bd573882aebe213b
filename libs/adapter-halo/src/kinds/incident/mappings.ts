import type { FieldMapping } from '@itsm-hub/core';
import { DEFAULT_PRIORITY_IDS, DEFAULT_STATUS_IDS } from '../../client/assumptions';
import { FIELDS } from './record';
import type { HaloSettings } from '../../config';

/**
 * A value map with Halo ids as strings (value maps carry strings, Halo ids are numbers on the wire). The
 * ids set in settings replace the defaults one by one, so the map keeps covering every canonical value.
 */
function valueMap(defaults: Readonly<Record<string, number>>, ids: Readonly<Partial<Record<string, number>>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(defaults).map(([hub, id]) => [hub, String(ids[hub] ?? id)]));
}

/**
 * Incident mappings onto a Halo ticket for an integration's settings. Status and priority ids differ per
 * instance (see ASSUMPTION default-ids): settings.status_map and settings.priority_map replace the ids of
 * the default value maps. The agent is presented by email: the adapter resolves it to Halo's agent_id.
 */
export function incidentMappingsFor(settings: Pick<HaloSettings, 'status_map' | 'priority_map'>): FieldMapping[] {
  const statuses = valueMap(DEFAULT_STATUS_IDS, settings.status_map);
  const priorities = valueMap(DEFAULT_PRIORITY_IDS, settings.priority_map);
  return [
    { field: 'title', externalField: FIELDS.summary, direction: 'bidirectional' },
    { field: 'description', externalField: FIELDS.details, direction: 'bidirectional' },
    { field: 'status', externalField: FIELDS.status, direction: 'bidirectional', valueMap: statuses, default: statuses.new },
    { field: 'priority', externalField: FIELDS.priority, direction: 'bidirectional', valueMap: priorities, default: priorities.P3 },
    { field: 'assignee', externalField: FIELDS.agent, direction: 'bidirectional' },
  ];
}

/** The mappings without settings: what the manifest declares. */
export const incidentMappings: FieldMapping[] = incidentMappingsFor({});
