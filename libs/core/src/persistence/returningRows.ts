/**
 * TypeORM's PostgreSQL `query()` answers UPDATE and DELETE with `[rows, affectedCount]` but
 * SELECT and INSERT with the rows alone; this returns the rows either way.
 */
export function returningRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
