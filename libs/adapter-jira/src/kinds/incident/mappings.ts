import type { FieldMapping, IncidentPriority, IncidentStatus } from '@itsm-hub/core';
import type { JiraSettings } from '../../config';

/**
 * Hub status -> Jira status name for Jira's default workflow (To Do / In Progress / Done). Reverse
 * lookups take the first hub status that maps, so the order decides: `In Progress` reads back as
 * `in_progress` and `Done` as `resolved`. Integrations override it with the `status_map` setting.
 */
export const DEFAULT_STATUS_MAP: Record<IncidentStatus, string> = {
  new: 'To Do',
  in_progress: 'In Progress',
  acknowledged: 'In Progress',
  on_hold: 'In Progress',
  resolved: 'Done',
  closed: 'Done',
  canceled: 'Done',
};

/** Hub priority -> Jira's default priority scheme (Highest .. Lowest); overridden by `priority_map`. */
export const DEFAULT_PRIORITY_MAP: Record<IncidentPriority, string> = {
  P1: 'Highest',
  P2: 'High',
  P3: 'Medium',
  P4: 'Low',
  P5: 'Lowest',
};

/**
 * Canonical incident fields -> the adapter's flat record fields: `summary`, `description` (ADF as
 * markdown-ish text), `status` and `priority` (names), `assignee` (the assignee's email).
 */
export const DEFAULT_INCIDENT_MAPPINGS: FieldMapping[] = [
  { field: 'title', externalField: 'summary', direction: 'bidirectional' },
  { field: 'description', externalField: 'description', direction: 'bidirectional' },
  { field: 'status', externalField: 'status', direction: 'bidirectional', valueMap: DEFAULT_STATUS_MAP },
  { field: 'priority', externalField: 'priority', direction: 'bidirectional', valueMap: DEFAULT_PRIORITY_MAP, default: 'Medium' },
  { field: 'assignee', externalField: 'assignee', direction: 'bidirectional' },
];

/**
 * The default mappings for an integration's settings: a `status_map` or `priority_map` replaces the
 * default value map as a whole (a partial map is the whole vocabulary of that workflow).
 */
export function incidentMappings(settings: Pick<JiraSettings, 'status_map' | 'priority_map'>): FieldMapping[] {
  const replaced: Record<string, Record<string, string> | undefined> = { status: settings.status_map, priority: settings.priority_map };
  return DEFAULT_INCIDENT_MAPPINGS.map((m) => {
    const valueMap = replaced[m.field];
    return valueMap ? { ...m, valueMap: { ...valueMap } } : m;
  });
}
