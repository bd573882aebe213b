import type { FieldMapping, IncidentPriority, IncidentStatus } from '@itsm-hub/core';

/**
 * Canonical status -> incident `state` choice value (Helsinki+ state model). The instance has no
 * separate "acknowledged" state, so it shares In Progress; reverse lookups take the first canonical
 * value listed, so `2` reads back as `in_progress`.
 */
export const STATE_VALUES: Record<IncidentStatus, string> = {
  new: '1',
  in_progress: '2',
  acknowledged: '2',
  on_hold: '3',
  resolved: '6',
  closed: '7',
  canceled: '8',
};

/** Canonical priority -> incident `priority` choice value (1 Critical .. 5 Planning). */
export const PRIORITY_VALUES: Record<IncidentPriority, string> = {
  P1: '1',
  P2: '2',
  P3: '3',
  P4: '4',
  P5: '5',
};

// `priority` is read-only on the instance (Priority Lookup Rules derive it from impact x urgency),
// so writes set impact and urgency to the base-system matrix cell of the wanted priority.
export const IMPACT_VALUES: Record<IncidentPriority, string> = { P1: '1', P2: '1', P3: '2', P4: '2', P5: '3' };
export const URGENCY_VALUES: Record<IncidentPriority, string> = { P1: '1', P2: '2', P3: '2', P4: '3', P5: '3' };

export const incidentMappings: FieldMapping[] = [
  { field: 'title', externalField: 'short_description', direction: 'bidirectional' },
  { field: 'description', externalField: 'description', direction: 'bidirectional' },
  { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: STATE_VALUES, default: STATE_VALUES.new },
  { field: 'priority', externalField: 'priority', direction: 'inbound', valueMap: PRIORITY_VALUES },
  { field: 'priority', externalField: 'impact', direction: 'outbound', valueMap: IMPACT_VALUES, default: IMPACT_VALUES.P4 },
  { field: 'priority', externalField: 'urgency', direction: 'outbound', valueMap: URGENCY_VALUES, default: URGENCY_VALUES.P4 },
  // People are presented as email addresses and the group by its name; the adapter resolves them to sys_ids on write.
  { field: 'assignee', externalField: 'assigned_to', direction: 'bidirectional' },
  { field: 'caller', externalField: 'caller_id', direction: 'bidirectional' },
  { field: 'category', externalField: 'category', direction: 'bidirectional' },
  { field: 'subcategory', externalField: 'subcategory', direction: 'bidirectional' },
  { field: 'assignment_group', externalField: 'assignment_group', direction: 'bidirectional' },
  { field: 'resolution_note', externalField: 'close_notes', direction: 'bidirectional' },
];
