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
    externalField: 'priority',
    direction: 'bidirectional',
    valueMap: { P1: 'P1', P2: 'P2', P3: 'P3', P4: 'P4', P5: 'P5' },
  },
  {
    // Urgency drives PagerDuty's notifications, so it follows priority on the way out; it never comes back,
    // because urgency alone cannot tell P1 from P2.
    field: 'priority',
    externalField: 'urgency',
    direction: 'outbound',
    valueMap: { P1: 'high', P2: 'high', P3: 'low', P4: 'low', P5: 'low' },
  },
  // The first assignee's email: the adapter resolves it to a PagerDuty user id and back.
  { field: 'assignee', externalField: 'assignee', direction: 'bidirectional' },
];
