import { canonicalMappingProblems } from '@itsm-hub/core';
import { incidentMappings } from './mappings';

const mappings = incidentMappings;

describe('default incident mappings use the canonical vocabulary', () => {
  it('passes core\'s canonical vocabulary check', () => {
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });
});
