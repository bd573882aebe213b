import { isField, walk, type RowLookup } from './fields';
import type { Row } from './seed';

type Test = (actual: string) => boolean;

interface Condition {
  path: string[];
  test: Test;
}

/** Conditions joined with `^OR`: one of them must hold. */
type Clause = Condition[];
/** Clauses joined with `^`: all must hold. */
type Group = Clause[];

interface Order {
  path: string[];
  desc: boolean;
}

/** A parsed encoded query: a row matches when any `^NQ` group does; orders apply to the whole result. */
export interface EncodedQuery {
  groups: Group[];
  orders: Order[];
}

export type ParsedQuery = { ok: true; query: EncodedQuery } | { ok: false; term: string; reason: string };

// Instances match strings without regard to case (GlideRecord queries are case-insensitive).
const fold = (s: string) => s.toLowerCase();
const contains = (value: string): Test => (actual) => fold(actual).includes(fold(value));
const oneOf = (value: string): Test => {
  const list = value.split(',').map(fold);
  return (actual) => list.includes(fold(actual));
};
const not = (test: Test): Test => (actual) => !test(actual);
const noValue = (operator: string, test: Test) => (value: string) => (value === '' ? test : `${operator} takes no value`);

// Code-unit order, not locale order: dates and sys_ids must sort the way the instance's database sorts them.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function between(value: string): Test | string {
  const bounds = value.split('@');
  if (bounds.length !== 2) return 'BETWEEN takes two values written low@high';
  const [low, high] = bounds;
  return (actual) => compare(actual, low) >= 0 && compare(actual, high) <= 0;
}

/**
 * The documented operators ("Operators available for filters and queries"), each turning the value
 * written after it into a test, or into why that value does not fit. Order comparisons compare
 * text, which orders `yyyy-MM-dd HH:mm:ss` dates correctly but not integers of different lengths.
 */
const OPERATORS: Record<string, (value: string) => Test | string> = {
  '=': (value) => (actual) => fold(actual) === fold(value),
  '!=': (value) => (actual) => fold(actual) !== fold(value),
  STARTSWITH: (value) => (actual) => fold(actual).startsWith(fold(value)),
  ENDSWITH: (value) => (actual) => fold(actual).endsWith(fold(value)),
  LIKE: contains,
  'NOT LIKE': (value) => not(contains(value)),
  // The documentation lists NOTLIKE beside its example `NOT LIKE`.
  NOTLIKE: (value) => not(contains(value)),
  IN: oneOf,
  'NOT IN': (value) => not(oneOf(value)),
  ISEMPTY: noValue('ISEMPTY', (actual) => actual === ''),
  ISNOTEMPTY: noValue('ISNOTEMPTY', (actual) => actual !== ''),
  '<': (value) => (actual) => compare(actual, value) < 0,
  '<=': (value) => (actual) => compare(actual, value) <= 0,
  '>': (value) => (actual) => compare(actual, value) > 0,
  '>=': (value) => (actual) => compare(actual, value) >= 0,
  BETWEEN: between,
};

// Longest first, so `>=` is not read as `>` with a value starting with `=`.
const SPELLINGS = Object.keys(OPERATORS).sort((a, b) => b.length - a.length);

/**
 * Parses a sysparm_query: `^` (AND), `^OR` (OR with the condition before, binding tighter than `^`),
 * `^NQ` (a new group, OR'ed with the others), `ORDERBY`/`ORDERBYDESC`, and conditions
 * `<field><operator><value>` whose field is a column or a dot-walk through references.
 *
 * Instances by default drop the terms they cannot read and run the rest (unless the system property
 * glide.invalid_query.returns_no_rows is set), which can match far more rows than meant. The emulator
 * refuses the whole query instead, naming the term, so a test cannot pass on a misspelt field or operator.
 * Script values (`javascript:`) must be resolved by the caller first.
 */
export function parseQuery(table: string, encoded: string): ParsedQuery {
  const query: EncodedQuery = { groups: [[]], orders: [] };
  if (encoded === '') return { ok: true, query };
  for (const term of encoded.split('^')) {
    const reason = addTerm(table, query, term);
    if (reason) return { ok: false, term, reason };
  }
  return { ok: true, query };
}

/** Adds one `^`-separated term to the query; answers why it cannot, if it cannot. */
function addTerm(table: string, query: EncodedQuery, term: string): string | undefined {
  const group = query.groups[query.groups.length - 1];
  if (term.startsWith('NQ')) {
    if (group.length === 0) return '^NQ must follow a condition';
    query.groups.push([]);
    return addTerm(table, query, term.slice(2));
  }
  const order = /^ORDERBY(DESC)?(.*)$/.exec(term);
  if (order) return addOrder(table, query, order[2], order[1] !== undefined);
  const alternative = term.startsWith('OR');
  const condition = parseCondition(table, alternative ? term.slice(2) : term);
  if (typeof condition === 'string') return condition;
  if (!alternative) {
    group.push([condition]);
    return undefined;
  }
  const clause = group[group.length - 1];
  if (!clause) return '^OR must follow a condition';
  clause.push(condition);
  return undefined;
}

function addOrder(table: string, query: EncodedQuery, field: string, desc: boolean): string | undefined {
  if (!isField(table, field.split('.'))) return `${field || 'nothing'} is not a field of ${table}`;
  query.orders.push({ path: field.split('.'), desc });
  return undefined;
}

function parseCondition(table: string, text: string): Condition | string {
  // Column names are lower case and operators are upper case or symbols, so the field ends where the operator starts.
  const field = /^[a-z0-9_.]*/.exec(text)![0];
  const rest = text.slice(field.length);
  const operator = SPELLINGS.find((spelling) => rest.startsWith(spelling));
  if (!operator) return `no operator the emulator knows after ${field || 'the start'}`;
  if (!isField(table, field.split('.'))) return `${field || 'nothing'} is not a field of ${table}`;
  const test = OPERATORS[operator](rest.slice(operator.length));
  return typeof test === 'string' ? test : { path: field.split('.'), test };
}

/** The rows the query matches, in its order (stable, so rows it does not order keep the table's order). */
export function runQuery(table: string, rows: Row[], query: EncodedQuery, lookup: RowLookup): Row[] {
  const value = (row: Row, path: string[]) => walk(table, row, path, lookup).value;
  const holds = (row: Row, group: Group) => group.every((clause) => clause.some((c) => c.test(value(row, c.path))));
  const matching = rows.filter((row) => query.groups.some((group) => holds(row, group)));
  if (query.orders.length === 0) return matching;
  // Each row's sort keys are walked once, not once per comparison (a scan of 100,000 rows sorts them on every page).
  const keyed = matching.map((row) => ({ row, keys: query.orders.map(({ path }) => value(row, path)) }));
  keyed.sort((a, b) => {
    for (const [i, { desc }] of query.orders.entries()) {
      const cmp = compare(a.keys[i], b.keys[i]);
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}
