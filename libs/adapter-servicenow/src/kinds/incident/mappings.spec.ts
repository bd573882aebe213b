import { canonicalMappingProblems, INCIDENT_PRIORITIES } from '@itsm-hub/core';
import { IMPACT_VALUES, URGENCY_VALUES, incidentMappings } from './mappings';

const mappings = incidentMappings;

describe('default incident mappings use the canonical vocabulary', () => {
  it('passes core\'s canonical vocabulary check', () => {
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });

  it('writes priority as impact x urgency per the base-system matrix', () => {
    const cells = Object.fromEntries(INCIDENT_PRIORITIES.map((p) => [p, IMPACT_VALUES[p] + '/' + URGENCY_VALUES[p]]));
    expect(cells).toEqual({ P1: '1/1', P2: '1/2', P3: '2/2', P4: '2/3', P5: '3/3' });
  });
});
