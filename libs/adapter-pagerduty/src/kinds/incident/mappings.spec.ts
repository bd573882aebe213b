import { canonicalMappingProblems } from '@itsm-hub/core';
import { incidentMappings } from './mappings';

const mappings = incidentMappings;

describe('default incident mappings use the canonical vocabulary', () => {
  it('passes core\'s canonical vocabulary check', () => {
    expect(canonicalMappingProblems(mappings)).toEqual([]);
  });

  it('uses the flat field names the adapter reads and writes', () => {
    expect(mappings.map((m) => `${m.field}:${m.externalField}:${m.direction}`)).toEqual([
      'title:title:bidirectional',
      'description:body.details:outbound',
      'status:status:bidirectional',
      'priority:priority:bidirectional',
      'priority:urgency:outbound',
      'assignee:assignee:bidirectional',
    ]);
  });

  it('maps P1 and P2 to high urgency and the rest to low', () => {
    const urgency = mappings.find((m) => m.externalField === 'urgency');
    expect(urgency?.valueMap).toEqual({ P1: 'high', P2: 'high', P3: 'low', P4: 'low', P5: 'low' });
  });
});
