import { mkdirSync } from 'node:fs';

export interface EmbeddedPostgresHandle {
  /** postgres:// URL of the embedded server's socket on loopback. */
  url: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL in WebAssembly (PGlite) behind a loopback wire-protocol socket, so the hub uses the
 * same driver, SQL and migrations as on a real server. All connections share one PGlite session
 * and the socket server mixes up concurrent extended-protocol messages of several connections, so
 * pools on it must have one connection (EMBEDDED_POOL_SIZE): transactions must stay short and
 * never wait on another query outside them.
 */
export const EMBEDDED_POOL_SIZE = 1;

export async function startEmbeddedPostgres(options: { dataDir: string; maxConnections?: number }): Promise<EmbeddedPostgresHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  // PGlite ships as ESM; the dynamic import keeps this CommonJS module loadable everywhere else.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create({ dataDir: options.dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 12 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
