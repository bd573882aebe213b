import type { FieldMapping } from '@itsm-hub/core';

/**
 * Default incident mappings. PagerDuty has three statuses, so several canonical statuses share
 * one; reverse lookups take the first canonical value listed, hence the order below.
 */
export const incidentMappings: FieldMapping[] = [
  { field: 'title', externalField: 'title', direction: 'bidirectional' },
  // PagerDuty takes `body.details` on create but never returns it on the incident, so it only flows out.
  { field: 'description', externalField: 'body.details', direction: 'outbound' },
  {
    field: 'status',
    externalField: 'status',
    direction: 'bidirectional',
    valueMap: {
      new: 'triggered',
      acknowledged: 'acknowledged',
      in_progress: 'acknowledged',
      on_hold: 'acknowledged',
      resolved: 'resolved',
      closed: 'resolved',
      canceled: 'resolved',
    },
    default: 'triggered',
  },
  {
    // Priority names are per-account (P1..P5 are PagerDuty's defaults); an integration may remap them.
    field: 'priority',
    externalField: 'priority.summary',
    direction: 'bidirectional',
    valueMap: { P1: 'P1', P2: 'P2', P3: 'P3', P4: 'P4', P5: 'P5' },
  },
  { field: 'assignee', externalField: 'assignments.0.assignee.id', direction: 'bidirectional' },
];
