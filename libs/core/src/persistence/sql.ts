import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from './returningRows';

/** A connection or the caller's transaction. */
export type Db = DataSource | EntityManager;

/**
 * Runs one statement and returns its rows. Outside a transaction it goes straight to the pg pool:
 * TypeORM's per-query runner (connect, events, logging) costs more than most statements of the
 * hot path, which run for every request, change and platform call.
 */
export async function sql<T = any>(db: Db, text: string, params: unknown[] = []): Promise<T[]> {
  // A DataSource has a driver; a transaction's EntityManager must run on its own connection.
  const pool = 'driver' in db ? (db.driver as unknown as { master?: Pool }).master : undefined;
  if (pool) return (await pool.query(text, params)).rows as T[];
  return returningRows<T>(await db.query(text, params));
}

/** One statement's text and parameters, to be run or combined with others. */
export interface Statement {
  text: string;
  params: unknown[];
}

/**
 * Several statements as the CTEs of one, followed by `final` (which may read them by name): they
 * commit together without a transaction, in one round trip. Parameters are renumbered.
 */
export function combine(ctes: Array<[name: string, statement: Statement]>, final: string): Statement {
  const params: unknown[] = [];
  const parts = ctes.map(([name, statement]) => {
    const offset = params.length;
    params.push(...statement.params);
    return `${name} AS (${statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  return { text: `WITH ${parts.join(', ')} ${final}`, params };
}
