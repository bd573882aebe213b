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
