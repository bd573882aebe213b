import type { FieldMapping } from '@itsm-hub/core';
import { DEFAULT_PRIORITY_IDS, DEFAULT_STATUS_IDS } from './assumptions';

/** Value maps carry strings; Halo ids are numbers on the wire. */
function asValueMap(ids: Readonly<Record<string, number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(ids).map(([hub, id]) => [hub, String(id)]));
}

/**
 * Default incident mappings onto a Halo ticket. Status and priority ids differ per instance (see
 * ASSUMPTION default-ids); settings.status_map and settings.priority_map override these maps.
 */
export const incidentMappings: FieldMapping[] = [
  { field: 'title', externalField: 'summary', direction: 'bidirectional' },
  { field: 'description', externalField: 'details', direction: 'bidirectional' },
  { field: 'status', externalField: 'status_id', direction: 'bidirectional', valueMap: asValueMap(DEFAULT_STATUS_IDS), default: String(DEFAULT_STATUS_IDS.new) },
  { field: 'priority', externalField: 'priority_id', direction: 'bidirectional', valueMap: asValueMap(DEFAULT_PRIORITY_IDS), default: String(DEFAULT_PRIORITY_IDS.P3) },
  { field: 'assignee', externalField: 'agent_id', direction: 'bidirectional' },
];
