import type { FieldMapping } from '@itsm-hub/core';

/** Canonical status -> incident `state` choice value (Helsinki+ state model). */
export const STATE_VALUES: Record<string, string> = {
  new: '1',
  in_progress: '2',
  on_hold: '3',
  resolved: '6',
  closed: '7',
  canceled: '8',
};

/** Canonical priority -> incident `priority` choice value (1 Critical .. 5 Planning). */
export const PRIORITY_VALUES: Record<string, string> = {
  critical: '1',
  high: '2',
  medium: '3',
  low: '4',
  planning: '5',
};

// `priority` is read-only on the instance (Priority Lookup Rules derive it from impact x urgency),
// so writes set impact and urgency to the base-system matrix cell of the wanted priority.
export const IMPACT_VALUES: Record<string, string> = { critical: '1', high: '1', medium: '2', low: '2', planning: '3' };
export const URGENCY_VALUES: Record<string, string> = { critical: '1', high: '2', medium: '2', low: '3', planning: '3' };

export const incidentMappings: FieldMapping[] = [
  { field: 'title', externalField: 'short_description', direction: 'bidirectional' },
  { field: 'description', externalField: 'description', direction: 'bidirectional' },
  { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: STATE_VALUES, default: STATE_VALUES.new },
  { field: 'priority', externalField: 'priority', direction: 'inbound', valueMap: PRIORITY_VALUES },
  { field: 'priority', externalField: 'impact', direction: 'outbound', valueMap: IMPACT_VALUES, default: IMPACT_VALUES.low },
  { field: 'priority', externalField: 'urgency', direction: 'outbound', valueMap: URGENCY_VALUES, default: URGENCY_VALUES.low },
  // assigned_to is a sys_user reference: the value is the user's sys_id.
  { field: 'assignee', externalField: 'assigned_to', direction: 'bidirectional' },
];
