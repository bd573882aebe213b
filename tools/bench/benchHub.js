'use strict';
/**
 * What every benchmark needs of the hub: a database of its own on the PostgreSQL server of
 * DATABASE_URL, and the built hub started as its own process (as deployed: it does not share a CPU
 * core with the emulators in the bench's process).
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

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

module.exports = { serverDatabase, spawnHub, hubNodeArgs };
