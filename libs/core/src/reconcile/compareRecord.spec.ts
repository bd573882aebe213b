import type { FieldMapping } from '../contracts/FieldMapping';
import { INCIDENT_KIND } from '../records/kinds/incident';
import { driftOf, healingBase, type Comparison } from './compareRecord';

const STATUS: FieldMapping = { field: 'status', externalField: 'state', direction: 'bidirectional', valueMap: { new: '1', in_progress: '2', on_hold: '2', resolved: '6' } };
const TITLE: FieldMapping = { field: 'title', externalField: 'short_description', direction: 'bidirectional' };
const PRIORITY_IN: FieldMapping = { field: 'priority', externalField: 'priority', direction: 'inbound', valueMap: { P1: '1', P2: '2', P3: '3', P4: '4' } };

const comparison = (overrides: Partial<Comparison>): Comparison => ({
  kind: INCIDENT_KIND, mappings: [STATUS, TITLE, PRIORITY_IN], owners: new Map(), direction: 'bidirectional', strategy: 'last-write-wins', windowMs: 5_000,
  hub: { status: 'in_progress', title: 'Disk full', priority: 'P2' }, fieldChanges: {}, base: { state: '2', short_description: 'Disk full', priority: '2' }, held: new Set(),
  external: { fields: { state: '2', short_description: 'Disk full', priority: '2' } },
  ...overrides,
});

describe('drift of one linked record', () => {
  it('is none when the values map to the same platform value, even through a lossy map', () => {
    expect(driftOf(comparison({ hub: { status: 'on_hold', title: 'Disk full', priority: 'P2' } }))).toEqual([]);
  });

  it('is none for a platform default the hub never set, until the platform changes it', () => {
    const defaulted = comparison({ hub: { status: 'in_progress', title: 'Disk full', priority: null } });
    expect(driftOf(defaulted)).toEqual([]);
    expect(driftOf({ ...defaulted, external: { fields: { ...defaulted.external.fields, priority: '1' } } })).toEqual([expect.objectContaining({ field: 'priority', action: 'pull' })]);
  });

  it('compares a field the hub only reads in canonical form, and pulls it', () => {
    expect(driftOf(comparison({ external: { fields: { state: '2', short_description: 'Disk full', priority: '1' } } }))).toEqual([
      expect.objectContaining({ field: 'priority', hub: 'P2', external: '1', action: 'pull', reason: 'the hub only reads this field' }),
    ]);
  });

  it('treats a field written through one platform field and read through another as syncing both ways', () => {
    const IMPACT_OUT: FieldMapping = { field: 'priority', externalField: 'impact', direction: 'outbound', valueMap: { P1: '1', P2: '2', P3: '2', P4: '3' } };
    const mappings = [TITLE, IMPACT_OUT, PRIORITY_IN];
    // Someone raised the impact on the platform, which raised its priority: both come in.
    const raised = comparison({ mappings, base: { short_description: 'Disk full', impact: '2', priority: '2' }, external: { fields: { short_description: 'Disk full', impact: '1', priority: '1' } } });
    expect(driftOf(raised).map((d) => [d.external_field, d.action, d.reason])).toEqual([
      ['impact', 'pull', 'changed on the platform since the last sync'], ['priority', 'pull', 'changed on the platform since the last sync'],
    ]);
    const lowered = comparison({ mappings, hub: { title: 'Disk full', priority: 'P4' }, base: { short_description: 'Disk full', impact: '2', priority: '2' }, external: { fields: { short_description: 'Disk full', impact: '2', priority: '2' } } });
    expect(driftOf(lowered).map((d) => [d.external_field, d.action])).toEqual([['impact', 'push'], ['priority', 'push']]);
  });

  it('takes the side that changed since the last sync, and lets ownership and direction overrule it', () => {
    const platformChanged = comparison({ external: { fields: { state: '6', short_description: 'Disk full', priority: '2' } } });
    expect(driftOf(platformChanged)).toEqual([expect.objectContaining({ field: 'status', hub: '2', external: '6', base: '2', action: 'pull' })]);
    expect(driftOf({ ...platformChanged, owners: new Map([['status', { owner: 'platform', priority: 0 }]]) })[0]).toMatchObject({ owner: 'platform', action: 'push', reason: 'the hub owns the field' });
    expect(driftOf({ ...platformChanged, direction: 'outbound' })[0]).toMatchObject({ action: 'push' });
    const hubChanged = comparison({ hub: { status: 'resolved', title: 'Disk full', priority: 'P2' } });
    expect(driftOf(hubChanged)).toEqual([expect.objectContaining({ field: 'status', hub: '6', external: '2', action: 'push', reason: 'changed in the hub since the last sync' })]);
  });

  it('leaves a field changed on both sides to the strategy: a conflict under manual review, the newer change otherwise', () => {
    const both = comparison({
      hub: { status: 'resolved', title: 'Disk full', priority: 'P2' }, base: { state: '1', short_description: 'Disk full', priority: '2' },
      fieldChanges: { status: { at: '2026-12-01T10:00:00.000Z', origin: 'hub' } }, external: { fields: { state: '2', short_description: 'Disk full', priority: '2' }, updatedAt: '2026-12-01T11:00:00.000Z' },
    });
    expect(driftOf({ ...both, strategy: 'manual-review' })[0]).toMatchObject({ action: 'conflict' });
    expect(driftOf(both)[0]).toMatchObject({ action: 'pull', reason: "changed on both sides; last-write-wins takes the platform's value" });
    expect(driftOf({ ...both, held: new Set(['status']) })[0]).toMatchObject({ action: 'held' });
  });

  it('sets the base so that each path moves exactly the drifted fields', () => {
    const drift = driftOf(comparison({ hub: { status: 'resolved', title: 'Disk full', priority: 'P2' }, external: { fields: { state: '2', short_description: 'Disk almost full', priority: '1' } }, base: { state: '2', short_description: 'Disk full', priority: '2' } }));
    expect(drift.map((d) => [d.field, d.action])).toEqual([['status', 'push'], ['title', 'pull'], ['priority', 'pull']]);
    // Push: the platform's value, so the outbound diff sends the hub's. Pull: the hub's, so the inbound diff takes the platform's.
    expect(healingBase({ state: '1', short_description: 'Disk', priority: '4', impact: '2' }, drift, [STATUS, TITLE, PRIORITY_IN])).toEqual({ state: '2', short_description: 'Disk full', priority: '2', impact: '2' });
  });
});
