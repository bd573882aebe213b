import { canonicalMappingProblems, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '@itsm-hub/core';
import { haloSettingsSchema } from '../../config';
import { incidentMappings, incidentMappingsFor } from './mappings';

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

describe('incidentMappingsFor', () => {
  it('replaces the default ids with those of settings.status_map and priority_map', () => {
    const mappings = incidentMappingsFor({ status_map: { new: 21, closed: 29 }, priority_map: { P3: 7 } });
    expect(mappings.find((m) => m.field === 'status')).toMatchObject({
      valueMap: { new: '21', in_progress: '2', acknowledged: '2', on_hold: '3', closed: '29', resolved: '9', canceled: '9' },
      default: '21',
    });
    expect(mappings.find((m) => m.field === 'priority')).toMatchObject({ valueMap: { P1: '1', P2: '2', P3: '7', P4: '4', P5: '4' }, default: '7' });
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });
});
