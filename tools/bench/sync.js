'use strict';
/**
 * `npm run bench:sync`: end-to-end sync throughput and latency of the hub against the platform
 * emulators, beside the ceiling of writing the same records straight to the emulator. A benchmark,
 * not a test: it prints a table and the targets, and exits 0 unless something broke.
 *
 * BENCH_CHANGES (per phase, default 200), BENCH_CONCURRENCY (default 8: the API clients, each
 * direct loop of the ceiling, and the hub's INCIDENTS_SYNC_CONCURRENCY, which is per integration),
 * BENCH_DATABASES (embedded,postgres), BENCH_INTEGRATIONS (1,2,4), BENCH_LATENCIES (0,50),
 * BENCH_PLATFORMS (servicenow,pagerduty,jira,halo: the first N are used), DATABASE_URL for
 * PostgreSQL.
 *
 * The ceiling for N integrations is N direct loops in parallel, one per platform, each writing the
 * same records straight to its emulator at the same concurrency: what the platforms can take.
 * Database statements are the hub's own count (`itsm_db_statements_total`) over the create and
 * update phases, per change and integration.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { hubNodeArgs, serverDatabase, spawnHub } = require('./benchHub');
const { SecretBox } = require('@itsm-hub/core');
const { PLATFORMS } = require('./platforms');
const { cpuMeter } = require('./cpu');
const { call } = require('./http');

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PACED_RATE = 100;
const PACED_SECONDS = 3;
const RATE_LIMIT = 1_000_000;
const TOKEN = 'ihub_bench-admin-token-0123456789abcdef';
const SECRET = 'bench-webhook-secret';

async function main() {
  const databases = list('BENCH_DATABASES', process.env.DATABASE_URL ? 'embedded,postgres' : 'embedded');
  const counts = list('BENCH_INTEGRATIONS', '1,2,4').map(Number);
  const latencies = list('BENCH_LATENCIES', '0,50').map(Number);
  const platformNames = list('BENCH_PLATFORMS', 'servicenow,pagerduty,jira,halo');
  const rows = [];
  for (const database of databases) {
    const hub = await startBenchHub(database);
    try {
      for (const latency of latencies) {
        for (const count of counts) {
          const names = Array.from({ length: count }, (_, i) => platformNames[i % platformNames.length]);
          rows.push(await scenario(hub, database, latency, names));
        }
      }
    } finally {
      await hub.close();
    }
  }
  print(rows);
}

async function startBenchHub(database) {
  const env = {
    HUB_PORT: '0', HUB_HOST: '127.0.0.1', LOG_LEVEL: 'info', HUB_PRINT_ADMIN_TOKEN: 'false', HUB_ADMIN_TOKEN: TOKEN,
    INCIDENTS_SYNC_CONCURRENCY: String(CONCURRENCY),
  };
  let cleanup = async () => undefined;
  if (database === 'postgres') {
    const db = await serverDatabase('sync');
    Object.assign(env, { DATABASE_URL: db.url, HUB_ENCRYPTION_KEY: SecretBox.generateKey(), HUB_DB_POOL_SIZE: '10' });
    cleanup = db.drop;
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'itsm-bench-'));
    env.HUB_DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const running = await spawnHub(env, { nodeArgs: hubNodeArgs() });
  const api = async (method, p, body) => {
    const answer = await call(running.url + p, {
      method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    if (answer.status >= 400) throw new Error(`${method} ${p}: ${answer.status} ${answer.text}`);
    return answer.text ? JSON.parse(answer.text) : undefined;
  };
  const statements = async () => {
    const { text } = await call(`${running.url}/metrics`);
    return Number(/^itsm_db_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
  };
  return { url: running.url, pid: running.pid, api, statements, close: async () => { await running.close(); await cleanup(); } };
}


async function scenario(hub, database, latency, names) {
  const platforms = [];
  for (const [index, name] of names.entries()) {
    const platform = await PLATFORMS[name].start();
    const integration = await hub.api('POST', '/api/v1/integrations', {
      ...platform.integration, name: `bench-${name}-${index}-${Date.now()}`, webhook_secret: SECRET, rate_limit_per_minute: RATE_LIMIT,
    });
    if (latency > 0) platform.handle.emulator.setFaultProfile({ latency_ms: latency });
    platforms.push({ ...platform, name, integrationId: integration.id });
  }
  try {
    // The ceiling runs before webhooks are subscribed, so the hub does no work meanwhile.
    const ceiling = await ceilingRate(platforms);
    for (const p of platforms) {
      p.handle.emulator.requests.length = 0;
      p.handle.emulator.subscribeWebhooks({ url: `${hub.url}/api/v1/webhooks/${p.integrationId}`, secret: SECRET });
    }

    const statementsBefore = await hub.statements();
    const cpu = cpuMeter(hub.pid);
    const started = Date.now();
    const created = await pool(CHANGES, async (i) => ({ ...(await hub.api('POST', '/api/v1/incidents', { title: `Bench ${i}`, priority: 'P3' })), sentAt: Date.now() }));
    // As a direct loop starts its updates once its creates are answered, the updates go out once
    // every create has landed, without waiting for the hub to settle the creates' webhooks.
    await writesLanded(hub, platforms, CHANGES);
    const updateSent = new Map();
    await pool(CHANGES, async (i) => {
      const id = created[i].id;
      await hub.api('PATCH', `/api/v1/incidents/${id}`, { title: `Bench ${i} renamed` });
      updateSent.set(id, Date.now());
    });
    await quiet(hub, platforms, 2 * CHANGES);
    const cpuSeconds = cpu.stop();
    const elapsed = (Date.now() - started) / 1000;
    const statementsPerChange = (await hub.statements() - statementsBefore) / (2 * CHANGES * platforms.length);
    const landed = Math.max(...platforms.flatMap((p) => p.handle.emulator.requests.filter((r) => p.isCreate(r) || p.isUpdate(r)).map(endOf)));
    // Platform writes per second, as the ceiling counts them.
    const throughput = (2 * CHANGES * platforms.length) / ((landed - started) / 1000);

    const latencies = [];
    const perPlatform = [];
    for (const p of platforms) {
      const links = (await hub.api('GET', `/api/v1/integrations/${p.integrationId}/links?limit=500`)).items;
      const incidentOf = new Map(links.map((l) => [l.external_id, l.incident_id]));
      for (const r of p.handle.emulator.requests.filter(p.isUpdate)) {
        const sent = updateSent.get(incidentOf.get(p.recordOf(r)));
        if (sent !== undefined) latencies.push(endOf(r) - sent);
      }
      const log = p.handle.emulator.requests;
      perPlatform.push({
        ops: log.filter((r) => p.isCreate(r) || p.isUpdate(r)).length,
        comments: log.filter(p.isComment).length,
        transitions: log.filter((r) => p.isTransition?.(r)).length,
        http: log.length,
      });
    }

    const paced = await pacedLatency(hub, platforms, created.map((c) => c.id));
    const ops = perPlatform.reduce((s, p) => s + p.ops, 0);
    return {
      database, latency, integrations: names.join('+'), ceiling, throughput,
      p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), pacedP95: paced,
      opsPerChange: ops / (2 * CHANGES * platforms.length),
      statementsPerChange,
      cpu: `${f(cpuSeconds.hub / elapsed, 2)} / ${f(cpuSeconds.postgres / elapsed, 2)} / ${f(cpuSeconds.bench / elapsed, 2)}`,
      httpPerChange: perPlatform.reduce((s, p) => s + p.http, 0) / (2 * CHANGES * platforms.length),
      echoWrites: ops - 2 * CHANGES * platforms.length,
      comments: perPlatform.reduce((s, p) => s + p.comments, 0),
      transitions: perPlatform.reduce((s, p) => s + p.transitions, 0),
    };
  } finally {
    for (const p of platforms) {
      await hub.api('DELETE', `/api/v1/integrations/${p.integrationId}?force=true`);
      await p.handle.close();
    }
  }
}

/**
 * The same records written straight to each emulator, one loop per platform in parallel, each at
 * the same concurrency: the ceiling, in platform writes per second.
 */
async function ceilingRate(platforms) {
  const started = Date.now();
  await Promise.all(platforms.map(async (platform) => {
    const ids = await pool(CHANGES, (i) => platform.directCreate(i));
    await pool(CHANGES, (i) => platform.directUpdate(ids[i], i));
  }));
  return (2 * CHANGES * platforms.length) / ((Date.now() - started) / 1000);
}

/** Updates at a fixed rate (PACED_RATE per second) with webhooks on; p95 from API write to platform write. */
async function pacedLatency(hub, platforms, incidentIds) {
  for (const p of platforms) p.handle.emulator.requests.length = 0;
  const sent = new Map();
  const total = PACED_RATE * PACED_SECONDS;
  const start = Date.now();
  const inFlight = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / PACED_RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = incidentIds[i % incidentIds.length];
    const title = `Paced ${i}`;
    inFlight.push(hub.api('PATCH', `/api/v1/incidents/${id}`, { title }).then(() => sent.set(`${id}:${i}`, Date.now())));
  }
  await Promise.all(inFlight);
  await quiet(hub, platforms);
  // Several changes of one record may be coalesced into one write: each change counts as landed
  // by the first write of its record after it was sent.
  const latencies = [];
  for (const p of platforms) {
    const links = (await hub.api('GET', `/api/v1/integrations/${p.integrationId}/links?limit=500`)).items;
    const externalOf = new Map(links.map((l) => [l.incident_id, l.external_id]));
    const writes = p.handle.emulator.requests.filter(p.isUpdate);
    for (const [key, at] of sent) {
      const external = externalOf.get(key.split(':')[0]);
      const first = writes.find((r) => p.recordOf(r) === external && endOf(r) >= at);
      if (first) latencies.push(endOf(first) - at);
    }
  }
  return percentile(latencies, 95);
}

/**
 * Waits until every platform has the record writes it expects, watched in-process so that the
 * bench's polling of sync-status does not inflate the hub's statement count, then until the
 * hub's queues are empty.
 */
async function quiet(hub, platforms, expectedWrites = 0) {
  await writesLanded(hub, platforms, expectedWrites);
  for (let round = 0; round < 2; round += 1) {
    await Promise.all(platforms.map((p) => p.handle.emulator.settleWebhooks()));
    for (const p of platforms) {
      while (!(await drained(hub, p))) await sleep();
    }
  }
}

/** Waits until every platform has the record writes it expects (or, for one that never comes, until the hub's queues are empty). */
async function writesLanded(hub, platforms, expectedWrites) {
  for (const p of platforms) {
    for (let n = 1; p.handle.emulator.requests.filter((r) => p.isCreate(r) || p.isUpdate(r)).length < expectedWrites; n += 1) {
      await sleep();
      if (n % 50 === 0 && await drained(hub, p)) break;
    }
  }
}

const sleep = () => new Promise((resolve) => setTimeout(resolve, 20));

async function drained(hub, platform) {
  const status = await hub.api('GET', `/api/v1/integrations/${platform.integrationId}/sync-status`);
  return status.outbox_depth === 0 && status.inbox_depth === 0;
}

async function pool(n, work) {
  const results = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const i = next++;
      results[i] = await work(i);
    }
  }));
  return results;
}

const endOf = (r) => Date.parse(r.time) + r.durationMs;

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');

function print(rows) {
  console.log(`\nSync benchmark: ${CHANGES} creates + ${CHANGES} updates per scenario, concurrency ${CONCURRENCY} (API clients; per integration in the hub; per direct loop in the ceiling), integration rate limit ${RATE_LIMIT}/min, paced phase ${PACED_RATE}/s for ${PACED_SECONDS}s with webhooks.`);
  console.log(`The ceiling for N integrations is N direct loops in parallel, one per platform. Rates are platform writes per second. Cores used are CPU seconds per second over the create and update phases (this machine has ${require('node:os').availableParallelism()}).`);
  console.log('| database | latency ms | integrations | ceiling writes/s | hub writes/s | hub/ceiling | p50 ms | p95 ms | p99 ms | p95 ms @100/s | record ops per change per integration | DB statements per change per integration | HTTP requests per change per integration | comments / transitions | echo writes | cores used: hub / PostgreSQL / bench+emulators |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.database} | ${r.latency} | ${r.integrations} | ${f(r.ceiling)} | ${f(r.throughput)} | ${f(r.throughput / r.ceiling, 2)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.pacedP95)} | ${f(r.opsPerChange, 2)} | ${f(r.statementsPerChange, 1)} | ${f(r.httpPerChange, 2)} | ${r.comments} / ${r.transitions} | ${r.echoWrites} | ${r.cpu} |`);
  }
  console.log('\nTargets: hub/ceiling >= 0.5; at 0 ms with four integrations >= 350 platform writes/s; DB statements per change per integration <= 5; p95 @100/s < 1000 ms; record ops per change per integration = 1.00; echo writes = 0.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
