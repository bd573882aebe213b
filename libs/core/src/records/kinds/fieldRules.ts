import { z } from 'zod';
import type { FieldValue } from '../../contracts/FieldValue';
import type { FieldDefinition, RecordKindDefinition } from './RecordKindDefinition';

const referenceTo = (kind: string) => z.strictObject({ kind: z.literal(kind), id: z.string().trim().min(1).max(200) });

const rules = new WeakMap<FieldDefinition, z.ZodType>();

/** The rule a value of a field must pass; optional fields accept null (cleared) and absence. */
export function fieldRule(field: FieldDefinition): z.ZodType {
  let rule = rules.get(field);
  if (!rule) {
    const base = baseRule(field);
    rule = field.required ? base : base.nullable().optional();
    rules.set(field, rule);
  }
  return rule;
}

function baseRule(field: FieldDefinition): z.ZodType {
  switch (field.type) {
    case 'text':
      return z.string().trim().min(field.required ? 1 : 0).max(field.max ?? 200);
    case 'long_text':
      return z.string().trim().min(field.required ? 1 : 0).max(field.max ?? 32_000);
    case 'number': {
      let rule = field.integer ? z.number().int() : z.number();
      if (field.min !== undefined) rule = rule.min(field.min);
      if (field.max !== undefined) rule = rule.max(field.max);
      return rule;
    }
    case 'enum':
      return z.enum(field.values as [string, ...string[]]);
    case 'datetime':
      return z.iso.datetime({ offset: true });
    case 'person':
      return z.email().max(320);
    case 'reference':
      return referenceTo(field.kind);
    case 'list':
      return z.array(field.of.type === 'text' ? z.string().trim().min(1).max(200) : referenceTo(field.of.kind)).max(field.max ?? 1_000);
  }
}

/** A zod shape of every field of a kind, for API bodies. */
export function fieldShape(kind: RecordKindDefinition): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(kind.fields).map(([name, field]) => [name, fieldRule(field)]));
}

/**
 * Keeps the values that pass the kind's field rules (a platform may hold a title longer than the
 * hub allows, or an assignee that is not an email); the others are reported, not applied.
 */
export function acceptedValues(kind: RecordKindDefinition, values: Record<string, unknown>): { values: Record<string, FieldValue>; rejected: string[] } {
  const accepted: Record<string, FieldValue> = {};
  const rejected: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const field = kind.fields[name];
    const parsed = field ? fieldRule(field).safeParse(value) : undefined;
    if (parsed?.success) accepted[name] = parsed.data as FieldValue;
    else rejected.push(name);
  }
  return { values: accepted, rejected };
}

/** A value shown as text (a conflict's recorded value) back in the field's type. */
export function parseDisplayValue(field: FieldDefinition | undefined, text: string | null): FieldValue {
  if (text === null || !field) return text;
  if (field.type === 'number') return Number(text);
  if (field.type === 'reference' || field.type === 'list') return JSON.parse(text) as FieldValue;
  return text;
}
