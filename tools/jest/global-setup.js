// Database for tests. With DATABASE_URL set (CI), each test file creates its own database on that
// server. Without it, one embedded PostgreSQL (PGlite over a loopback socket) is started per Jest
// worker: a worker runs its files one at a time, so each file can own that server while it runs.
// PGlite is started here, in plain Node, because it cannot load inside Jest's module sandbox.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup(globalConfig) {
  if (process.env.DATABASE_URL) return;
  const { PGlite } = require('@electric-sql/pglite');
  const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
  const workers = Math.max(1, Number(globalConfig.maxWorkers) || 1);
  const servers = [];
  const urls = [];
  for (let i = 0; i < workers; i++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-test-pglite-'));
    const db = await PGlite.create({ dataDir });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 24 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    servers.push({ db, server, dataDir });
    urls.push(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  }
  process.env.PGLITE_TEST_URLS = urls.join(',');
  globalThis.__ITSM_HUB_PGLITE__ = servers;
  globalThis.__ITSM_HUB_PGLITE_CLEANUP__ = () => servers.forEach((s) => rmSync(s.dataDir, { recursive: true, force: true }));
};
