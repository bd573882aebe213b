import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from './returningRows';

/** A connection or the caller's transaction. */
export type Db = DataSource | EntityManager;

/** Statement texts of a data source and the names they are prepared under, per data source. */
const statementNames = new WeakMap<DataSource, Map<string, string>>();

/**
 * Distinct texts prepared by name at most: the hot path has a few dozen, and texts built from
 * input beyond that must not grow every connection's set of prepared statements without bound.
 */
const MAX_PREPARED = 500;

/**
 * Lets `sql` prepare its statements by name on this data source's connections, so that PostgreSQL
 * parses each text once per connection and, after a few runs, reuses its plan: parsing and planning
 * cost more than running most statements of the hot path.
 */
export function prepareStatements(dataSource: DataSource): void {
  statementNames.set(dataSource, new Map());
}

function statementName(dataSource: DataSource, text: string): string | undefined {
  const names = statementNames.get(dataSource);
  if (!names) return undefined;
  let name = names.get(text);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `ihub_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs one statement and returns its rows. Outside a transaction it goes straight to the pg pool:
 * TypeORM's per-query runner (connect, events, logging) costs more than most statements of the
 * hot path, which run for every request, change and platform call.
 */
export async function sql<T = any>(db: Db, text: string, params: unknown[] = []): Promise<T[]> {
  // A DataSource has a driver; a transaction's EntityManager must run on its own connection.
  const pool = 'driver' in db ? (db.driver as unknown as { master?: Pool }).master : undefined;
  if (pool) return (await pool.query({ name: statementName(db as DataSource, text), text, values: params })).rows as T[];
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
