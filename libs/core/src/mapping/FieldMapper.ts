import type { FieldMapping } from '../contracts/FieldMapping';
import type { IncidentColumn, IncidentValues } from '../records/incidentSchemas';

export type ExternalValues = Record<string, string | null>;

const NUMERIC_FIELDS = new Set<string>(['impact', 'urgency']);

export const sendsOut = (m: FieldMapping) => m.direction === 'outbound' || m.direction === 'bidirectional';
export const takesIn = (m: FieldMapping) => m.direction === 'inbound' || m.direction === 'bidirectional';

/** Canonical value -> platform value through the mapping's value map and default. */
export function toExternalValue(mapping: FieldMapping, value: unknown): string | null {
  const text = value === null || value === undefined || value === '' ? null : String(value);
  if (text === null) return mapping.default ?? null;
  if (mapping.valueMap) return mapping.valueMap[text] ?? mapping.default ?? text;
  return text;
}

/**
 * Platform value -> canonical value; the first canonical key of the value map wins, so lossy maps
 * read back deterministically. `undefined` when the value map has no entry for it (not applied).
 */
export function toCanonicalValue(mapping: FieldMapping, value: string | null): string | number | null | undefined {
  if (value === null || value === '') return null;
  let canonical: string = value;
  if (mapping.valueMap) {
    const entry = Object.entries(mapping.valueMap).find(([, external]) => external === value);
    if (!entry) return undefined;
    canonical = entry[0];
  }
  if (NUMERIC_FIELDS.has(mapping.field)) {
    const n = Number(canonical);
    return Number.isInteger(n) ? n : undefined;
  }
  return canonical;
}

/** What the platform should hold for each outbound mapping, in its representation. */
export function desiredExternal(incident: Partial<IncidentValues>, mappings: readonly FieldMapping[], skip: (m: FieldMapping) => boolean = () => false): ExternalValues {
  const out: ExternalValues = {};
  for (const mapping of mappings) {
    if (!sendsOut(mapping) || skip(mapping)) continue;
    out[mapping.externalField] = toExternalValue(mapping, incident[mapping.field as IncidentColumn]);
  }
  return out;
}

/** Platform fields that differ from the base, both taken in the platform's representation. */
export function changedExternal(desired: ExternalValues, base: ExternalValues): ExternalValues {
  const changed: ExternalValues = {};
  for (const [field, value] of Object.entries(desired)) if ((base[field] ?? null) !== value) changed[field] = value;
  return changed;
}

/** The canonical values a platform record maps to (for creating a hub incident from it). */
export function canonicalFrom(fields: ExternalValues, mappings: readonly FieldMapping[]): Partial<IncidentValues> {
  const values: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if (!takesIn(mapping) || values[mapping.field] !== undefined || !(mapping.externalField in fields)) continue;
    const value = toCanonicalValue(mapping, fields[mapping.externalField] ?? null);
    if (value !== undefined) values[mapping.field] = value;
  }
  return values as Partial<IncidentValues>;
}

/** The subset of a platform record the mappings look at: what a link keeps as its base. */
export function mappedExternal(fields: ExternalValues, mappings: readonly FieldMapping[]): ExternalValues {
  const out: ExternalValues = {};
  for (const mapping of mappings) if (mapping.externalField in fields) out[mapping.externalField] = fields[mapping.externalField] ?? null;
  return out;
}
