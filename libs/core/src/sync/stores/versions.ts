import type { VersionOrder } from '../../contracts/RecordKind';

const isCounter = (v: string) => /^\d{1,15}$/.test(v);

function compare(order: VersionOrder, a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (order === 'counter' && isCounter(a) && isCounter(b)) return Number(a) - Number(b);
  if (order === 'timestamp') {
    const x = Date.parse(a);
    const y = Date.parse(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  return undefined;
}

/** The newer of two versions when the adapter's order can tell; otherwise the incoming one. */
export function newerVersion(order: VersionOrder, incoming: string | null | undefined, held: string | null | undefined): string | null {
  if (incoming === undefined || incoming === null) return held ?? null;
  if (held === undefined || held === null) return incoming;
  return (compare(order, held, incoming) ?? 0) > 0 ? held : incoming;
}

/** True when `candidate` is known to be older than `seen`: a read that lags a write just made. */
export function isOlderVersion(order: VersionOrder, candidate: string | undefined, seen: string | null): boolean {
  if (candidate === undefined || seen === null) return false;
  return (compare(order, candidate, seen) ?? 0) < 0;
}

/**
 * SQL that is true when the version in `held` is `candidate` or newer, for the checks that drop
 * echoes in one statement. Only counters compare in SQL; other orders compare for equality there.
 */
export function holdsVersionSql(order: VersionOrder, held: string, candidate: string): string {
  if (order === 'counter') {
    return `(${held} = ${candidate} OR (${held} ~ '^[0-9]{1,15}$' AND ${candidate} ~ '^[0-9]{1,15}$' AND ${held}::bigint > ${candidate}::bigint))`;
  }
  return `${held} = ${candidate}`;
}

/** SQL for the newer of a held and an incoming version (the incoming one unless counters say otherwise). */
export function newerVersionSql(order: VersionOrder, held: string, incoming: string): string {
  if (order !== 'counter') return `COALESCE(${incoming}, ${held})`;
  return `CASE WHEN ${incoming} ~ '^[0-9]{1,15}$' AND ${held} ~ '^[0-9]{1,15}$' AND ${held}::bigint > ${incoming}::bigint THEN ${held}
               ELSE COALESCE(${incoming}, ${held}) END`;
}
