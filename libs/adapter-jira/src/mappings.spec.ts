import { INCIDENT_FIELDS, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '@itsm-hub/core';
import { jiraSettingsSchema } from './schemas';
import { DEFAULT_INCIDENT_MAPPINGS } from './mappings';

const mappings = DEFAULT_INCIDENT_MAPPINGS;
const sorted = (values: readonly string[]) => [...values].sort();

describe('default incident mappings use the canonical vocabulary', () => {
  it('maps only canonical incident fields', () => {
    for (const mapping of mappings) expect(INCIDENT_FIELDS).toContain(mapping.field);
  });

  it('keys every status value map by all canonical statuses', () => {
    const maps = mappings.filter((m) => m.field === 'status' && m.valueMap);
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) expect(sorted(Object.keys(m.valueMap!))).toEqual(sorted(INCIDENT_STATUSES));
  });

  it('keys every priority value map by all canonical priorities', () => {
    const maps = mappings.filter((m) => m.field === 'priority' && m.valueMap);
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) expect(sorted(Object.keys(m.valueMap!))).toEqual(sorted(INCIDENT_PRIORITIES));
  });

  it('uses defaults the value maps can produce', () => {
    for (const m of mappings) if (m.valueMap && m.default !== undefined) expect(Object.values(m.valueMap)).toContain(m.default);
  });

  it('validates status_map and priority_map keys against the canonical enums', () => {
    const all = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 'X']));
    expect(jiraSettingsSchema.safeParse({ status_map: all(INCIDENT_STATUSES), priority_map: all(INCIDENT_PRIORITIES) }).success).toBe(true);
    expect(jiraSettingsSchema.safeParse({ status_map: { cancelled: 'Done' } }).success).toBe(false);
    expect(jiraSettingsSchema.safeParse({ priority_map: { critical: 'Highest' } }).success).toBe(false);
  });
});
