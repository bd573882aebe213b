'use strict';
/**
 * What every benchmark needs of the hub: a database of its own on the PostgreSQL server of
 * DATABASE_URL, and the built hub started as its own process (as deployed: it does not share a CPU
 * core with the emulators in the bench's process).
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { SecretBox, openDatabase, startEmbeddedPostgres } = require('@itsm-hub/core');
const { call } = require('./http');

const MAIN = path.resolve(__dirname, '../../apps/hub/dist/main.js');

/** A new database named after the bench and this process; `drop` removes it. */
async function serverDatabase(bench) {
  if (!process.env.DATABASE_URL) throw new Error('BENCH_DATABASES=postgres needs DATABASE_URL');
  const name = `itsm_bench_${bench}_${process.pid}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Starts the built hub and resolves once it logs its URL. `nodeArgs` go before the hub's script
 * (a preloaded probe, --cpu-prof); `ipc` opens a channel to the child.
 */
function spawnHub(env, options = {}) {
  const args = [...(options.nodeArgs ?? []), MAIN];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? ['ipc'] : [])] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /ITSM Hub listening on (http:\/\/[\d.:]+)/.exec(output);
      if (!match) return;
      resolve({ child, url: match[1], pid: child.pid, close: () => new Promise((done) => { child.removeAllListeners('exit'); child.once('exit', done); child.kill('SIGTERM'); }) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${output}`)));
  });
}

/** `BENCH_HUB_NODE_ARGS` as node arguments for the hub (e.g. --cpu-prof). */
const hubNodeArgs = () => (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Where a bench's hub keeps its data: a database of its own on the server (`postgres`) or an
 * embedded one in a temporary directory; `open` connects the bench itself while the hub is stopped.
 */
async function openStorage(database, bench) {
  if (database === 'postgres') {
    const db = await serverDatabase(bench);
    return {
      env: { DATABASE_URL: db.url, HUB_ENCRYPTION_KEY: SecretBox.generateKey(), HUB_DB_POOL_SIZE: '10' },
      open: () => openDatabase({ url: db.url, poolSize: 2 }),
      close: db.drop,
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), `itsm-bench-${bench}-`));
  return {
    env: { HUB_DATA_DIR: dir },
    open: async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
      const db = await openDatabase({ url: embedded.url, poolSize: 1 });
      const destroy = db.destroy.bind(db);
      db.destroy = async () => { await destroy(); await embedded.close(); };
      return db;
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A process's resident set, in MB. */
function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024);
}

/** The built hub in a process of its own, with an API client of the bench's admin token. */
async function benchHub(env, token) {
  const hub = await spawnHub({ HUB_PORT: '0', HUB_HOST: '127.0.0.1', LOG_LEVEL: 'info', HUB_PRINT_ADMIN_TOKEN: 'false', HUB_ADMIN_TOKEN: token, ...env }, { nodeArgs: hubNodeArgs() });
  const api = async (method, p, body) => {
    const answer = await call(hub.url + p, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (answer.status >= 400) throw new Error(`${method} ${p}: ${answer.status} ${answer.text}`);
    return answer.text ? JSON.parse(answer.text) : undefined;
  };
  return { ...hub, api };
}

module.exports = { serverDatabase, spawnHub, hubNodeArgs, openStorage, rssMb, benchHub };
