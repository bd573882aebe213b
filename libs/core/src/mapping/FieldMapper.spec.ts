import type { FieldMapping } from '../contracts/FieldMapping';
import { INCIDENT_KIND } from '../records/kinds/incident';
import { canonicalFrom, changedExternal, desiredExternal, toCanonicalValue, toExternalValue } from './FieldMapper';

const status: FieldMapping = {
  field: 'status', externalField: 'state', direction: 'bidirectional',
  valueMap: { new: '1', in_progress: '2', acknowledged: '2', resolved: '6' }, default: '1',
};
const impact: FieldMapping = { field: 'impact', externalField: 'impact', direction: 'bidirectional' };
const title: FieldMapping = { field: 'title', externalField: 'short_description', direction: 'outbound' };

describe('FieldMapper', () => {
  it('maps values out through the value map and falls back to the default for empty values', () => {
    expect(toExternalValue(status, 'resolved')).toBe('6');
    expect(toExternalValue(status, null)).toBe('1');
    expect(toExternalValue(impact, 2)).toBe('2');
  });

  it('reads lossy maps back to the first canonical value and skips values the map lacks', () => {
    expect(toCanonicalValue(status, '2')).toBe('in_progress');
    expect(toCanonicalValue(status, '99')).toBeUndefined();
    expect(toCanonicalValue(impact, '3', INCIDENT_KIND)).toBe(3);
  });

  it('compares in the platform representation, so lossy maps do not look like changes', () => {
    const desired = desiredExternal({ status: 'acknowledged', title: 'Disk full' }, [status, title]);
    expect(desired).toEqual({ state: '2', short_description: 'Disk full' });
    expect(changedExternal(desired, { state: '2', short_description: 'Disk' })).toEqual({ short_description: 'Disk full' });
  });

  it('honours per-field direction both ways', () => {
    expect(desiredExternal({ status: 'new' }, [{ ...status, direction: 'inbound' }])).toEqual({});
    expect(canonicalFrom({ short_description: 'x', state: '6' }, [status, title])).toEqual({ status: 'resolved' });
  });

  it('maps list items one by one, passes references through and compares lists by content', () => {
    const tags: FieldMapping = { field: 'tags', externalField: 'labels', direction: 'bidirectional', valueMap: { prod: 'production' } };
    const parent: FieldMapping = { field: 'parent', externalField: 'parent', direction: 'bidirectional' };
    expect(toExternalValue(tags, ['prod', 'db'])).toEqual(['production', 'db']);
    expect(toCanonicalValue(tags, ['production'])).toEqual(['prod']);
    expect(toExternalValue(parent, { kind: 'ci', id: 'x1' })).toEqual({ kind: 'ci', id: 'x1' });
    expect(changedExternal({ labels: ['a', 'b'], parent: { kind: 'ci', id: 'x1' } }, { labels: ['a', 'b'], parent: { kind: 'ci', id: 'x1' } })).toEqual({});
    expect(changedExternal({ labels: ['b', 'a'] }, { labels: ['a', 'b'] })).toEqual({ labels: ['b', 'a'] });
  });
});
