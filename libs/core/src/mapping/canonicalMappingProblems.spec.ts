import { canonicalMappingProblems } from './canonicalMappingProblems';

describe('canonicalMappingProblems', () => {
  const status = { new: '1', acknowledged: '2', in_progress: '2', on_hold: '3', resolved: '6', closed: '7', canceled: '8' };
  const priority = { P1: '1', P2: '2', P3: '3', P4: '4', P5: '5' };

  it('accepts complete canonical maps', () => {
    expect(
      canonicalMappingProblems([
        { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: status, default: '1' },
        { field: 'priority', externalField: 'priority', direction: 'bidirectional', valueMap: priority },
      ]),
    ).toEqual([]);
  });

  it('names unknown fields, missing and invented values, impossible defaults and missing maps', () => {
    const { canceled: _dropped, ...partial } = status;
    expect(
      canonicalMappingProblems([
        { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: { ...partial, cancelled: '8' }, default: '99' },
        { field: 'severity', externalField: 'sev', direction: 'outbound' },
      ]),
    ).toEqual([
      "status -> state: value map lacks 'canceled'",
      "status -> state: value map key 'cancelled' is not canonical",
      "status -> state: default '99' is not a value of its map",
      "severity -> sev: 'severity' is not a canonical incident field",
      "no value map for 'priority'",
    ]);
  });
});
