import type { FieldMapping } from '../contracts/FieldMapping';
import { sameValue, type FieldValue } from '../contracts/FieldValue';
import type { ConflictStrategy, FieldOwner, SyncDirection } from '../contracts/SyncDirection';
import { sendsOut, takesIn, toCanonicalValue, toExternalValue, type ExternalValues } from '../mapping/FieldMapper';
import type { FieldChange } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { conflictWinner } from '../sync/conflictRule';

/** What healing does with one drifted field: send the hub's value, take the platform's, or leave it to a person. */
export type DriftAction = 'push' | 'pull' | 'conflict' | 'held';

/** One field that differs, in the platform's representation where the field goes out through the same platform field. */
export interface DriftField {
  field: string;
  external_field: string;
  hub: FieldValue;
  external: FieldValue;
  /** What the link last synced, when it has one. */
  base: FieldValue | null;
  owner: FieldOwner | null;
  action: DriftAction;
  /** Why that action (ownership, direction, which side changed since the last sync, the conflict strategy). */
  reason: string;
}

export interface Comparison {
  kind: RecordKindDefinition;
  mappings: readonly FieldMapping[];
  owners: ReadonlyMap<string, { owner: FieldOwner; priority: number }>;
  direction: SyncDirection;
  strategy: ConflictStrategy;
  windowMs: number;
  /** Hub values with references already in the platform's ids. */
  hub: Record<string, FieldValue>;
  fieldChanges: Record<string, FieldChange>;
  base: ExternalValues;
  held: ReadonlySet<string>;
  external: { fields: ExternalValues; updatedAt?: string };
}

/**
 * The fields of a linked record that differ between the hub and the platform, with the action the
 * normal sync paths would take. A value that maps to the same platform value is not drift (lossy
 * value maps), and a platform value no mapping knows is not compared (the inbound path does not
 * apply it either).
 */
export function driftOf(c: Comparison): DriftField[] {
  const drift: DriftField[] = [];
  const seen = new Set<string>();
  // A field can go out through one platform field and come in through another (ServiceNow's
  // priority: written as impact and urgency, read back as priority): it syncs both ways.
  const sides = { out: new Set(c.mappings.filter(sendsOut).map((m) => m.field)), in: new Set(c.mappings.filter(takesIn).map((m) => m.field)) };
  for (const mapping of c.mappings) {
    const ef = mapping.externalField;
    const pair = `${mapping.field}\u0000${ef}`;
    if (seen.has(pair) || !(ef in c.external.fields)) continue;
    seen.add(pair);
    const out = sendsOut(mapping);
    if (!out && !takesIn(mapping)) continue;
    const e = c.external.fields[ef] ?? null;
    const hubValue = c.hub[mapping.field] ?? null;
    // A value the hub never set that the platform filled in (a default priority or urgency) and
    // that has not changed there since the last sync is the platform's default, not drift.
    if ((hubValue === null || hubValue === '') && ef in c.base && sameValue(e, c.base[ef] ?? null)) continue;
    const base = ef in c.base ? (c.base[ef] ?? null) : null;
    // Compared where the path that would carry the value compares: the platform's representation
    // for a field that goes out through this platform field, else the hub's.
    let hub: FieldValue;
    let space: { p: FieldValue; e: FieldValue; b: FieldValue };
    if (out) {
      hub = toExternalValue(mapping, hubValue);
      if (sameValue(hub, e)) continue;
      space = { p: hub, e, b: base };
    } else {
      const canonical = toCanonicalValue(mapping, e, c.kind);
      if (canonical === undefined || sameValue(hubValue, canonical)) continue;
      hub = hubValue;
      const b = toCanonicalValue(mapping, base, c.kind);
      space = { p: hubValue, e: canonical, b: b === undefined ? base : b };
    }
    const owner = c.owners.get(mapping.field)?.owner ?? null;
    drift.push({ field: mapping.field, external_field: ef, hub, external: e, base, owner, ...decide(c, mapping, sides, space, owner) });
  }
  return drift;
}

function decide(
  c: Comparison,
  mapping: FieldMapping,
  sides: { out: ReadonlySet<string>; in: ReadonlySet<string> },
  space: { p: FieldValue; e: FieldValue; b: FieldValue },
  owner: FieldOwner | null,
): { action: DriftAction; reason: string } {
  if (c.held.has(mapping.field)) return { action: 'held', reason: 'a pending conflict holds the field' };
  if (!sides.out.has(mapping.field)) return { action: 'pull', reason: 'the hub only reads this field' };
  if (!sides.in.has(mapping.field)) return { action: 'push', reason: 'the hub only writes this field' };
  if (c.direction === 'outbound') return { action: 'push', reason: 'the integration only sends' };
  if (c.direction === 'inbound') return { action: 'pull', reason: 'the integration only receives' };
  if (owner === 'platform') return { action: 'push', reason: 'the hub owns the field' };
  if (owner === 'external') return { action: 'pull', reason: 'the platform owns the field' };
  if (sameValue(space.p, space.b)) return { action: 'pull', reason: 'changed on the platform since the last sync' };
  if (sameValue(space.e, space.b)) return { action: 'push', reason: 'changed in the hub since the last sync' };
  const change = c.fieldChanges[mapping.field];
  const winner = conflictWinner({
    strategy: c.strategy,
    platformChangedAt: change ? new Date(change.at) : undefined,
    externalChangedAt: c.external.updatedAt ? new Date(c.external.updatedAt) : undefined,
    windowMs: c.windowMs,
  });
  if (winner === 'pending') return { action: 'conflict', reason: `changed on both sides; ${c.strategy} leaves it to a person` };
  return winner === 'platform'
    ? { action: 'push', reason: `changed on both sides; ${c.strategy} keeps the hub's value` }
    : { action: 'pull', reason: `changed on both sides; ${c.strategy} takes the platform's value` };
}

/** The base a link needs so that the normal diff of each path moves exactly these fields (see Healer). */
export function healingBase(base: ExternalValues, drift: readonly DriftField[], mappings: readonly FieldMapping[]): ExternalValues {
  const next = { ...base };
  for (const d of drift) {
    if (d.action === 'push') next[d.external_field] = d.external;
    if (d.action === 'pull') {
      const mapping = mappings.find((m) => m.field === d.field && m.externalField === d.external_field);
      next[d.external_field] = mapping && !sendsOut(mapping) ? toExternalValue(mapping, d.hub) : d.hub;
    }
  }
  return next;
}
