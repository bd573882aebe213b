import { canonicalMappingProblems, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '@itsm-hub/core';
import { jiraSettingsSchema } from '../../config';
import { DEFAULT_INCIDENT_MAPPINGS } from './mappings';

const mappings = DEFAULT_INCIDENT_MAPPINGS;

describe('default incident mappings use the canonical vocabulary', () => {
  it('passes core\'s canonical vocabulary check', () => {
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });

  it('validates status_map and priority_map keys against the canonical enums', () => {
    const all = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 'X']));
    expect(jiraSettingsSchema.safeParse({ status_map: all(INCIDENT_STATUSES), priority_map: all(INCIDENT_PRIORITIES) }).success).toBe(true);
    expect(jiraSettingsSchema.safeParse({ status_map: { cancelled: 'Done' } }).success).toBe(false);
    expect(jiraSettingsSchema.safeParse({ priority_map: { critical: 'Highest' } }).success).toBe(false);
  });
});
