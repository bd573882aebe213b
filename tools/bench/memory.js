'use strict';
/**
 * `npm run bench:memory`: memory of an idle hub. Starts the built hub in its own process, as
 * deployed, waits until `GET /readyz` answers ready, lets it idle, and prints its resident set
 * (VmRSS, and the peak VmHWM, from Linux's /proc/<pid>/status) beside `process.memoryUsage()`,
 * read in the hub through tools/bench/memoryProbe.js, then the same after a forced full garbage
 * collection. A benchmark, not a test: it prints a table and the target, and exits 0 unless
 * something broke.
 *
 * On the embedded database the hub runs twice on one fresh data directory: its first start
 * (initdb) and a restart on the existing directory. BENCH_DATABASES (embedded,postgres: postgres
 * with DATABASE_URL, on a database of its own created and dropped by the bench),
 * BENCH_IDLE_SECONDS (default 20).
 */
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { serverDatabase, spawnHub } = require('./benchHub');
const { SecretBox } = require('@itsm-hub/core');
const { call } = require('./http');

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const TARGET_MB = 300;
const TOKEN = 'ihub_bench-admin-token-0123456789abcdef';
const BASE_ENV = { HUB_PORT: '0', HUB_HOST: '127.0.0.1', LOG_LEVEL: 'info', HUB_PRINT_ADMIN_TOKEN: 'false', HUB_ADMIN_TOKEN: TOKEN };

async function main() {
  const databases = list('BENCH_DATABASES', process.env.DATABASE_URL ? 'embedded,postgres' : 'embedded');
  const rows = [];
  for (const database of databases) {
    if (database === 'embedded') {
      const dir = mkdtempSync(path.join(tmpdir(), 'itsm-bench-memory-'));
      try {
        rows.push(await measure('embedded', 'first start', { HUB_DATA_DIR: dir }));
        rows.push(await measure('embedded', 'restart', { HUB_DATA_DIR: dir }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else if (database === 'postgres') {
      const db = await serverDatabase('memory');
      try {
        rows.push(await measure('postgres', 'first start', { DATABASE_URL: db.url, HUB_ENCRYPTION_KEY: SecretBox.generateKey() }));
      } finally {
        await db.drop();
      }
    } else {
      throw new Error(`unknown database ${database}: embedded or postgres`);
    }
  }
  print(rows);
}

/** One hub: start, ready, idle, then its memory before and after a forced garbage collection. */
async function measure(database, start, env) {
  const started = Date.now();
  const hub = await spawnProbedHub({ ...BASE_ENV, ...env });
  try {
    while ((await call(`${hub.url}/readyz`)).status !== 200) await sleep(100);
    const readyMs = Date.now() - started;
    await sleep(IDLE_SECONDS * 1000);
    const idle = { status: procStatus(hub.pid), usage: await hub.probe('memory') };
    await hub.probe('gc');
    // V8 releases the backing stores of collected buffers and WebAssembly memories off the main thread.
    await sleep(2000);
    const collected = { status: procStatus(hub.pid), usage: await hub.probe('memory') };
    return { database, start, readyMs, idle, collected };
  } finally {
    await hub.close();
  }
}

/** The built hub with the memory probe preloaded and an IPC channel to it. */
async function spawnProbedHub(env) {
  const hub = await spawnHub(env, { nodeArgs: ['--expose-gc', '-r', path.resolve(__dirname, 'memoryProbe.js')], ipc: true });
  const probe = (kind) => new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.kind !== kind) return;
      hub.child.off('message', onMessage);
      resolve(message.memoryUsage);
    };
    hub.child.on('message', onMessage);
    hub.child.send(kind);
  });
  return { ...hub, probe };
}

/** VmRSS and VmHWM of a process, in MB. */
function procStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const mb = (bytes) => bytes / 1048576;
const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');

function print(rows) {
  console.log(`\nMemory of an idle hub: ${IDLE_SECONDS} s after GET /readyz answered ready, then again after a forced full garbage collection. MB; RSS and peak (VmHWM) from /proc, the rest from process.memoryUsage() in the hub (external includes PGlite's WebAssembly memory).`);
  console.log('| database | start | ready ms | RSS | peak RSS | heap used | heap total | external | array buffers | RSS after GC | external after GC |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const u = r.idle.usage;
    console.log(`| ${r.database} | ${r.start} | ${r.readyMs} | ${f(r.idle.status.rss)} | ${f(r.idle.status.hwm)} | ${f(mb(u.heapUsed))} | ${f(mb(u.heapTotal))} | ${f(mb(u.external))} | ${f(mb(u.arrayBuffers))} | ${f(r.collected.status.rss)} | ${f(mb(r.collected.usage.external))} |`);
  }
  console.log(`\nTarget: RSS of the idle embedded hub < ${TARGET_MB} MB.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
