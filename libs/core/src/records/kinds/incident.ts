import { INCIDENT_FIELDS, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '../../contracts/Incident';
import type { RecordKindDefinition } from './RecordKindDefinition';

const level = { type: 'number', integer: true, min: 1, max: 3 } as const;
const shortText = { type: 'text', max: 200 } as const;

/** Incidents (seed 000): the first kind, with a table of its own and a journal of comments. */
export const INCIDENT_KIND: RecordKindDefinition = {
  name: 'incident',
  label: 'incident',
  table: 'incidents',
  display: 'title',
  journal: true,
  identity: { correlationId: true, number: true },
  createFilterFields: INCIDENT_FIELDS,
  fields: {
    title: { type: 'text', max: 500, required: true },
    description: { type: 'long_text', max: 32_000 },
    status: { type: 'enum', values: INCIDENT_STATUSES, required: true, default: 'new' },
    priority: { type: 'enum', values: INCIDENT_PRIORITIES },
    impact: level,
    urgency: level,
    assignee: { type: 'person' },
    assignment_group: shortText,
    category: shortText,
    subcategory: shortText,
    service: shortText,
    caller: { type: 'person' },
    resolution_note: { type: 'long_text', max: 8_000 },
  },
};
