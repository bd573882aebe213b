import { Client } from 'pg';
import type { DataSource } from 'typeorm';

const counts = new WeakMap<object, { n: number }>();

/**
 * A pg client class that counts the statements it sends, for one pool: every query of the hub
 * (TypeORM's and the plain ones) goes through a pool client, so this is the driver's own count.
 */
export function countingClient(): { Client: typeof Client; counter: { n: number } } {
  const counter = { n: 0 };
  class CountingClient extends Client {
    override query(...args: unknown[]): never {
      counter.n += 1;
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  return { Client: CountingClient, counter };
}

export function trackStatements(dataSource: DataSource, counter: { n: number }): void {
  counts.set(dataSource, counter);
}

/** Statements sent on the data source's pool since it was opened (0 when it is not counted). */
export function statementsSent(dataSource: DataSource): number {
  return counts.get(dataSource)?.n ?? 0;
}
