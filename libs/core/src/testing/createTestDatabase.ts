import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EMBEDDED_POOL_SIZE } from '../persistence/EmbeddedPostgres';

export interface TestDatabase {
  /** postgres:// URL of a database that belongs to the calling test file alone. */
  url: string;
  /** Pool size to open it with: one connection on the embedded servers (see EMBEDDED_POOL_SIZE). */
  poolSize: number;
  drop(): Promise<void>;
}

/**
 * A private, empty database for one test file. On a real server (DATABASE_URL) that is a new
 * database, dropped afterwards; on the embedded servers of the Jest global setup it is the
 * worker's own server with its schema wiped, since PGlite serves a single database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `itsm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      poolSize: 5,
      drop: () => withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  }
  const urls = (process.env.PGLITE_TEST_URLS ?? '').split(',').filter(Boolean);
  if (urls.length === 0) {
    throw new Error('No test database: set DATABASE_URL, or run through Jest with tools/jest/global-setup.js.');
  }
  const url = urls[(Number(process.env.JEST_WORKER_ID ?? '1') - 1) % urls.length];
  await withClient(url, (c) => c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public'));
  return { url, poolSize: EMBEDDED_POOL_SIZE, drop: async () => undefined };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
