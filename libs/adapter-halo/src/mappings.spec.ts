import { canonicalMappingProblems, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '@itsm-hub/core';
import { haloSettingsSchema } from './schemas';
import { incidentMappings } from './mappings';

const mappings = incidentMappings;

describe('default incident mappings use the canonical vocabulary', () => {
  it('passes core\'s canonical vocabulary check', () => {
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });

  it('validates status_map and priority_map keys against the canonical enums', () => {
    const all = (keys: readonly string[]) => Object.fromEntries(keys.map((k, i) => [k, i + 1]));
    expect(haloSettingsSchema.safeParse({ status_map: all(INCIDENT_STATUSES), priority_map: all(INCIDENT_PRIORITIES) }).success).toBe(true);
    expect(haloSettingsSchema.safeParse({ status_map: { cancelled: 9 } }).success).toBe(false);
    expect(haloSettingsSchema.safeParse({ priority_map: { high: 2 } }).success).toBe(false);
  });
});
