import type { RecordKind } from '../../contracts/RecordKind';

/** The type of one canonical field; it decides validation, comparison and how values map. */
export type FieldType =
  | { type: 'text'; max?: number }
  | { type: 'long_text'; max?: number }
  | { type: 'number'; integer?: boolean; min?: number; max?: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'datetime' }
  /** A person, named by email address on both sides; adapters resolve platform users. */
  | { type: 'person' }
  /** A record of the named kind: the hub id in the hub, the platform's id on a platform. */
  | { type: 'reference'; kind: RecordKind }
  | { type: 'list'; of: { type: 'text' } | { type: 'reference'; kind: RecordKind }; max?: number };

export type FieldDefinition = FieldType & {
  /** Every record has a value (creates from a platform fill it from `display`, the number or the id). */
  required?: boolean;
  /** Value of a new record when nothing sets it. */
  default?: string;
};

/**
 * One kind of canonical record. The engine's workers, stores and routes read this instead of
 * knowing a kind: adding a kind means writing its definition and the adapters' mappers.
 */
export interface RecordKindDefinition {
  name: RecordKind;
  /** Human name, for messages (`incident`, `configuration item`). */
  label: string;
  fields: Record<string, FieldDefinition>;
  /** The field that names a record for people, filled from the platform's number when empty. */
  display: string;
  /** How a platform record is matched to a hub record before it is adopted or created. */
  identity: { correlationId: boolean; number: boolean; name?: string };
  /** Records of this kind have a journal (comments) that syncs as entries. */
  journal: boolean;
  /** Fields a create filter (`settings.create_filter`) may name. */
  createFilterFields: readonly string[];
  /**
   * A table of its own whose columns are the field names (incidents, after seed 000); kinds
   * without one keep their values in `hub_records.fields`.
   */
  table?: string;
}

export function fieldDefinition(kind: RecordKindDefinition, field: string): FieldDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(kind.fields, field) ? kind.fields[field] : undefined;
}

/** The kinds a field's values refer to (a reference, or a list of references). */
export function referencedKind(field: FieldDefinition | undefined): RecordKind | undefined {
  if (!field) return undefined;
  if (field.type === 'reference') return field.kind;
  if (field.type === 'list' && field.of.type === 'reference') return field.of.kind;
  return undefined;
}
