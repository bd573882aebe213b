/** Canonical incident vocabulary: adapters' value maps translate these to and from platform values. */
export const INCIDENT_STATUSES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];

/** Canonical incident fields that default mappings may map. */
export const INCIDENT_FIELDS = [
  'title', 'description', 'status', 'priority', 'impact', 'urgency', 'assignee', 'assignment_group',
  'category', 'subcategory', 'service', 'caller', 'resolution_note',
] as const;
export type IncidentField = (typeof INCIDENT_FIELDS)[number];
