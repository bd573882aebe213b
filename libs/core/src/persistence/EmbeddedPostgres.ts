import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

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

/**
 * Server settings added to PGlite's own start parameters (`-c`, which win over the postgresql.conf
 * initdb wrote, so they apply to existing data directories too). Memory, as measured with
 * `npm run bench:memory` (idle hub, VmRSS):
 *
 * - shared_buffers=16MB: PGlite's initdb writes 128MB, and PGlite's shared memory lives in the
 *   WebAssembly heap, whose pages it all touches: 146 MB of shared memory and about 150 MB of
 *   resident WebAssembly heap, more than the whole hub on PostgreSQL. 16MB (2,048 pages, 24 MB of
 *   shared memory in all) holds the whole database of a new hub (9 MB with the catalogs) and the
 *   hot part of a used one; a miss is a read from the OS page cache through PGlite's NODEFS. The
 *   sync benchmark's throughput did not change. wal_buffers follows it (auto: 1/32, so 512kB
 *   instead of 4MB).
 *
 * Left as PGlite has them: its WebAssembly memory starts at 128 MB (`initialMemory`; the module
 * refuses a smaller one, and untouched pages cost no RSS), min/max_wal_size (disk, not memory),
 * work_mem 4MB (per sort, freed after it) and max_connections (one single-user backend whatever
 * its value; a lower one saves 2 MB).
 */
const SERVER_SETTINGS = ['-c', 'shared_buffers=16MB'];

export async function startEmbeddedPostgres(options: { dataDir: string; maxConnections?: number }): Promise<EmbeddedPostgresHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  // PGlite ships as ESM; the dynamic import keeps this CommonJS module loadable everywhere else.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const startParams = [...PGlite.defaultStartParams, ...SERVER_SETTINGS];
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await initDataDir(options.dataDir, startParams);
  const db = await PGlite.create({ dataDir: options.dataDir, startParams });
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

/**
 * The child's program: PGlite.create on a directory without a cluster runs initdb (in a second,
 * throw-away PGlite instance), starts the cluster once and shuts it down cleanly. It loads PGlite's
 * CommonJS build, resolved from here, so it needs no module resolution of its own.
 */
const INITDB_SCRIPT = `
const [pglite, dataDir, startParams] = process.argv.slice(1);
require(pglite).PGlite.create({ dataDir, startParams: JSON.parse(startParams) })
  .then((db) => db.close())
  .catch((err) => { console.error(err); process.exit(1); });
`;

/**
 * Runs initdb for a new data directory in a short-lived Node process, then moves the cluster in.
 * Done in this process, PGlite's initdb leaves about 350 MB of garbage (a second PGlite instance
 * with its WebAssembly memory, the data directory as a tar) that an idle hub never collects, and
 * even once collected about 130 MB more stays resident in the C allocator's arenas: the hub's
 * first start idled at 850 MB against 370 MB for a restart on the same directory.
 * A child's memory all goes back to the OS when it exits; it costs the first start one more open
 * of the cluster (under a second). The cluster is built beside the data directory and PG_VERSION,
 * PGlite's sign of an initialized directory, moves last, so an interrupted first start leaves no
 * half-made cluster that the next one would take for a finished one.
 */
async function initDataDir(dataDir: string, startParams: string[]): Promise<void> {
  const staging = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.initdb`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    await runNode([INITDB_SCRIPT, require.resolve('@electric-sql/pglite'), staging, JSON.stringify(startParams)]);
    const entries = readdirSync(staging).filter((name) => name !== 'PG_VERSION');
    for (const name of [...entries, 'PG_VERSION']) {
      rmSync(path.join(dataDir, name), { recursive: true, force: true });
      renameSync(path.join(staging, name), path.join(dataDir, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function runNode(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`PGlite initdb failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`));
    });
  });
}
