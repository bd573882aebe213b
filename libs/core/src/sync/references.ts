import { isReference, type FieldValue, type RecordReference } from '../contracts/FieldValue';
import { referencedKind, type RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import type { Db } from './stores/db';
import { externalIdsOf, recordIdsOf } from './stores/LinkStore';

/** A reference that has no counterpart on the integration yet. */
export interface MissingReference {
  field: string;
  kind: string;
  id: string;
}

type Lookup = (db: Db, integrationId: string, kind: string, ids: string[]) => Promise<Map<string, string>>;

/**
 * Hub references -> the platform's ids, through the integration's links. Values of other fields
 * are returned as they are; references with no link yet are listed as missing.
 */
export function referencesOut(db: Db, integrationId: string, kind: RecordKindDefinition, values: Record<string, FieldValue>) {
  return translate(db, integrationId, kind, values, externalIdsOf);
}

/** Platform references -> hub ids, through the integration's links. */
export function referencesIn(db: Db, integrationId: string, kind: RecordKindDefinition, values: Record<string, FieldValue>) {
  return translate(db, integrationId, kind, values, recordIdsOf);
}

async function translate(db: Db, integrationId: string, kind: RecordKindDefinition, values: Record<string, FieldValue>, lookup: Lookup): Promise<{ values: Record<string, FieldValue>; missing: MissingReference[] }> {
  const wanted = new Map<string, Set<string>>();
  for (const [field, value] of Object.entries(values)) {
    const target = referencedKind(kind.fields[field]);
    if (!target) continue;
    for (const ref of referencesOf(value)) {
      if (!wanted.has(ref.kind)) wanted.set(ref.kind, new Set());
      wanted.get(ref.kind)!.add(ref.id);
    }
  }
  if (wanted.size === 0) return { values, missing: [] };
  const found = new Map<string, Map<string, string>>();
  for (const [target, ids] of wanted) found.set(target, await lookup(db, integrationId, target, [...ids]));
  const missing: MissingReference[] = [];
  const out: Record<string, FieldValue> = {};
  for (const [field, value] of Object.entries(values)) {
    if (!referencedKind(kind.fields[field])) {
      out[field] = value;
      continue;
    }
    const map = (ref: RecordReference): RecordReference | undefined => {
      const id = found.get(ref.kind)?.get(ref.id);
      if (id === undefined) missing.push({ field, kind: ref.kind, id: ref.id });
      return id === undefined ? undefined : { kind: ref.kind, id };
    };
    if (Array.isArray(value)) out[field] = value.map((item) => (isReference(item) ? (map(item) ?? item) : item));
    else if (isReference(value)) out[field] = map(value) ?? value;
    else out[field] = value;
  }
  return { values: out, missing };
}

function referencesOf(value: FieldValue): RecordReference[] {
  if (isReference(value)) return [value];
  if (Array.isArray(value)) return value.filter(isReference);
  return [];
}
