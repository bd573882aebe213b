import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { prepareStatements } from './sql';
import { countingClient, trackStatements } from './statementCount';

export interface DatabaseOptions {
  /** postgres:// URL of the server (real PostgreSQL, or the embedded one's socket). */
  url: string;
  poolSize?: number;
  /** Surfaces a stuck pool (e.g. a transaction held open on the embedded database) as an error. */
  connectionTimeoutMs?: number;
}

/** Arbitrary but fixed key: serializes migrations when several hub processes start together. */
const MIGRATION_LOCK_KEY = 4_711_017;

export function createDataSource(options: DatabaseOptions): DataSource {
  const counting = countingClient();
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    poolSize: options.poolSize ?? 5,
    extra: { connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000, Client: counting.Client },
  });
  trackStatements(dataSource, counting.counter);
  return dataSource;
}

/** Initializes the pool and applies pending migrations, one process at a time. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    await migrate(dataSource, options.url);
    // PGlite's socket gives every connection one shared session, where a name prepared on a closed
    // connection would still be taken: statements are prepared by name on PostgreSQL only.
    const [{ version }] = await dataSource.query('SELECT version() AS version');
    if (!String(version).includes('PGlite')) prepareStatements(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/**
 * Applies pending migrations under an advisory lock held on a connection of its own, so that the
 * pool (possibly of one connection, on the embedded database) stays free for the migrations.
 */
export async function migrate(dataSource: DataSource, url: string): Promise<void> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** True when the database answers and no migration is pending (readiness). */
export async function databaseReady(dataSource: DataSource): Promise<{ reachable: boolean; migrated: boolean }> {
  try {
    await dataSource.query('SELECT 1');
  } catch {
    return { reachable: false, migrated: false };
  }
  try {
    return { reachable: true, migrated: !(await dataSource.showMigrations()) };
  } catch {
    return { reachable: true, migrated: false };
  }
}
