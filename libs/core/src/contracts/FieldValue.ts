import type { RecordKind } from './RecordKind';

/** A record of another kind, named by its id on the side that holds the value (hub id or platform id). */
export interface RecordReference {
  kind: RecordKind;
  id: string;
}

/**
 * A field's value on either side: text, a number, empty, a reference, or a list of texts or
 * references. The hub's canonical values and the platforms' values share this shape.
 */
export type FieldValue = string | number | null | RecordReference | FieldValue[];

export function isReference(value: unknown): value is RecordReference {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as RecordReference).kind === 'string' && typeof (value as RecordReference).id === 'string';
}

/**
 * Equality of field values by content: lists by element, references by kind and id, and a number
 * equal to its decimal text (platforms send either for the same value).
 */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return true;
  if ((typeof x === 'number' && typeof y === 'string') || (typeof x === 'string' && typeof y === 'number')) return String(x) === String(y);
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((item, i) => sameValue(item, y[i]));
  }
  if (isReference(x) && isReference(y)) return x.kind === y.kind && x.id === y.id;
  return false;
}

/** The text of a scalar value (numbers as decimal text); null for empty, lists and references. */
export function textOf(value: FieldValue | undefined): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** A value as conflict records and messages show it: text as is, anything structured as JSON. */
export function displayValue(value: FieldValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
