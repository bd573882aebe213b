import { CHOICE_LABELS, COLUMNS, DISPLAY_FIELDS, REFERENCES, type Row } from './seed';

/** Finds a row of another table, for dot-walked fields. */
export type RowLookup = (table: string, sysId: string) => Row | undefined;

/** Where a field path such as `caller_id.email` ends: the table and column it names, and the value there. */
export interface Walked {
  table: string;
  column: string;
  value: string;
}

/** Follows a path through references; past an empty or dangling reference the value is empty, as instances answer. */
export function walk(table: string, row: Row | undefined, path: string[], lookup: RowLookup): Walked {
  const [head, ...rest] = path;
  const value = row?.[head] ?? '';
  if (rest.length === 0) return { table, column: head, value };
  const target = REFERENCES[table]?.[head] ?? '';
  return walk(target, target && value !== '' ? lookup(target, value) : undefined, rest, lookup);
}

export function dotWalk(table: string, row: Row, path: string[], lookup: RowLookup): string {
  return walk(table, row, path, lookup).value;
}

/** Whether a path names a column of the table, directly or through references. */
export function isField(table: string, path: string[]): boolean {
  const [head, ...rest] = path;
  if (rest.length === 0) return COLUMNS[table]?.includes(head) ?? false;
  const target = REFERENCES[table]?.[head];
  return target !== undefined && isField(target, rest);
}

/** What sysparm_display_value shows: a reference's display field, a choice's label, otherwise the value. */
export function displayValue({ table, column, value }: Walked, lookup: RowLookup): string {
  const target = REFERENCES[table]?.[column];
  if (target) return (value && lookup(target, value)?.[DISPLAY_FIELDS[target]]) || '';
  return CHOICE_LABELS[table]?.[column]?.[value] ?? value;
}
