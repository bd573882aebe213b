import type { FieldMapping } from '../contracts/FieldMapping';
import { isReference, sameValue, type FieldValue } from '../contracts/FieldValue';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';

export type ExternalValues = Record<string, FieldValue>;

export const sendsOut = (m: FieldMapping) => m.direction === 'outbound' || m.direction === 'bidirectional';
export const takesIn = (m: FieldMapping) => m.direction === 'inbound' || m.direction === 'bidirectional';

const isEmpty = (value: FieldValue | undefined) => value === null || value === undefined || value === '';

/** Canonical value -> platform value through the mapping's value map and default; list items one by one. */
export function toExternalValue(mapping: FieldMapping, value: FieldValue | undefined): FieldValue {
  if (isEmpty(value) || (Array.isArray(value) && value.length === 0 && mapping.default !== undefined)) return mapping.default ?? (Array.isArray(value) ? [] : null);
  if (Array.isArray(value)) return value.map((item) => scalarOut(mapping, item));
  return scalarOut(mapping, value as FieldValue);
}

function scalarOut(mapping: FieldMapping, value: FieldValue): FieldValue {
  if (isReference(value) || Array.isArray(value) || value === null) return value;
  const text = String(value);
  if (mapping.valueMap) return mapping.valueMap[text] ?? mapping.default ?? text;
  return text;
}

/**
 * Platform value -> canonical value; the first canonical key of the value map wins, so lossy maps
 * read back deterministically, and numbers become numbers where the kind says the field is one.
 * `undefined` when the value map has no entry for it (not applied).
 */
export function toCanonicalValue(mapping: FieldMapping, value: FieldValue | undefined, kind?: RecordKindDefinition): FieldValue | undefined {
  if (isEmpty(value)) return null;
  if (Array.isArray(value)) {
    const items = value.map((item) => scalarIn(mapping, item, kind));
    return items.some((item) => item === undefined) ? undefined : (items as FieldValue[]);
  }
  return scalarIn(mapping, value as FieldValue, kind);
}

function scalarIn(mapping: FieldMapping, value: FieldValue, kind: RecordKindDefinition | undefined): FieldValue | undefined {
  if (isReference(value) || Array.isArray(value) || value === null) return value;
  let canonical = String(value);
  if (mapping.valueMap) {
    const entry = Object.entries(mapping.valueMap).find(([, external]) => external === canonical);
    if (!entry) return undefined;
    canonical = entry[0];
  }
  if (kind?.fields[mapping.field]?.type === 'number') {
    const n = Number(canonical);
    return Number.isFinite(n) ? n : undefined;
  }
  return canonical;
}

/** What the platform should hold for each outbound mapping, in its representation. */
export function desiredExternal(values: Record<string, FieldValue | undefined>, mappings: readonly FieldMapping[], skip: (m: FieldMapping) => boolean = () => false): ExternalValues {
  const out: ExternalValues = {};
  for (const mapping of mappings) {
    if (!sendsOut(mapping) || skip(mapping)) continue;
    out[mapping.externalField] = toExternalValue(mapping, values[mapping.field]);
  }
  return out;
}

/** Platform fields that differ from the base, both taken in the platform's representation. */
export function changedExternal(desired: ExternalValues, base: ExternalValues): ExternalValues {
  const changed: ExternalValues = {};
  for (const [field, value] of Object.entries(desired)) if (!sameValue(base[field], value)) changed[field] = value;
  return changed;
}

/** The canonical values a platform record maps to (for creating a hub record from it). */
export function canonicalFrom(fields: ExternalValues, mappings: readonly FieldMapping[], kind?: RecordKindDefinition): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const mapping of mappings) {
    if (!takesIn(mapping) || values[mapping.field] !== undefined || !(mapping.externalField in fields)) continue;
    const value = toCanonicalValue(mapping, fields[mapping.externalField] ?? null, kind);
    if (value !== undefined) values[mapping.field] = value;
  }
  return values;
}

/** The subset of a platform record the mappings look at: what a link keeps as its base. */
export function mappedExternal(fields: ExternalValues, mappings: readonly FieldMapping[]): ExternalValues {
  const out: ExternalValues = {};
  for (const mapping of mappings) if (mapping.externalField in fields) out[mapping.externalField] = fields[mapping.externalField] ?? null;
  return out;
}
