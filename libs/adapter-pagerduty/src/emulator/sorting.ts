import type { EmulatorContext } from '@itsm-hub/core/emulator';
import { invalidInput, list } from './http';
import type { StoredIncident } from './types';

type Compare<T> = (a: T, b: T) => number;

const DIRECTIONS = ['asc', 'desc'] as const;
/** The spec's `sort_by` is an array of at most two unique items. */
const MAX_SORT_TERMS = 2;

/** PagerDuty's order when `sort_by` is left out (unconfirmed), and the tie-break of every other order. */
export function byIncidentNumber(a: StoredIncident, b: StoredIncident): number {
  return a.number - b.number;
}

/**
 * What `GET /incidents` sorts on: the fields the REST spec's `sort_by_incidents` parameter names
 * (incident_number/created_at/resolved_at/urgency). The place of unresolved incidents and the order of
 * urgencies are unconfirmed: unresolved ones sort after every resolved one (as SQL's NULLS LAST does
 * ascending), and urgencies as text.
 */
export const INCIDENT_SORT_FIELDS: Readonly<Record<string, Compare<StoredIncident>>> = {
  incident_number: byIncidentNumber,
  created_at: (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  resolved_at: (a, b) => compare(timeOrLast(a.resolvedAt), timeOrLast(b.resolvedAt)),
  urgency: (a, b) => compare(a.urgency, b.urgency),
};

/**
 * The order `sort_by` asks for (comma-separated, as the spec's `explode: false` sends it; direction
 * ascending unless `:desc`), with `tieBreak` last so pages stay stable. A value the spec does not allow
 * is answered 400 Invalid Input Provided (the spec's ArgumentError) rather than ignored: a caller relying
 * on an order it did not get would page through the wrong incidents. The wording of the detail is
 * unconfirmed.
 */
export function sortBy<T>(ctx: EmulatorContext, fields: Readonly<Record<string, Compare<T>>>, tieBreak: Compare<T>): Compare<T> | undefined {
  const terms = list(ctx.query.sort_by).flatMap((value) => value.split(','));
  if (terms.length > MAX_SORT_TERMS) return invalidInput(ctx, `sort_by takes at most ${MAX_SORT_TERMS} fields.`);
  if (new Set(terms).size < terms.length) return invalidInput(ctx, 'sort_by must not repeat a field.');
  const comparators: Array<Compare<T>> = [];
  for (const term of terms) {
    const comparator = termComparator(term, fields);
    if (!comparator) return invalidInput(ctx, `'${term}' is not a valid sort_by: use ${allowed(fields)}.`);
    comparators.push(comparator);
  }
  comparators.push(tieBreak);
  return (a, b) => comparators.reduce((order, next) => order || next(a, b), 0);
}

function termComparator<T>(term: string, fields: Readonly<Record<string, Compare<T>>>): Compare<T> | undefined {
  const [field, direction = 'asc', ...rest] = term.split(':');
  const comparator = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (!comparator || rest.length > 0 || !(DIRECTIONS as readonly string[]).includes(direction)) return undefined;
  return direction === 'desc' ? (a, b) => comparator(b, a) : comparator;
}

function allowed(fields: Readonly<Record<string, unknown>>): string {
  return `${Object.keys(fields).join(', ')}, each optionally followed by :asc or :desc`;
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function timeOrLast(iso: string | undefined): number {
  return iso === undefined ? Number.POSITIVE_INFINITY : Date.parse(iso);
}
