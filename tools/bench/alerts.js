'use strict';
/**
 * `npm run bench:alerts`: an alert storm of BENCH_ALERTS (default 10,000) distinct alerts sent as
 * Alertmanager payloads of 100 (Alertmanager's own advice: max_alerts under 100), into one mapping
 * with a storm rule (window 10m, threshold 50) that targets one ServiceNow integration.
 * A benchmark, not a test: it prints the intake rate, the incidents the storm rule made (exactly
 * threshold + 1), the platform writes once the outbox drained, and the hub's memory, and exits 0
 * unless something broke.
 *
 * BENCH_DATABASES (postgres,embedded), DATABASE_URL for PostgreSQL, BENCH_CONCURRENCY (default 4:
 * Alertmanager sends each group on its own), BENCH_HUB_NODE_ARGS for the hub process.
 */
const { benchHub, openStorage, rssMb } = require('./benchHub');
const servicenow = require('@itsm-hub/adapter-servicenow/emulator');

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const TOKEN = 'ihub_bench-admin-token-0123456789abcdef';
const PER_PAYLOAD = 100;
const THRESHOLD = 50;
const TARGET_PER_SECOND = 1_000;

async function main() {
  const total = Number(process.env.BENCH_ALERTS ?? 10_000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const databases = list('BENCH_DATABASES', process.env.DATABASE_URL ? 'postgres,embedded' : 'embedded');
  const rows = [];
  for (const database of databases) rows.push(await scenario(database, total, concurrency));
  console.log(`\nAlert storm: ${total} alerts in payloads of ${PER_PAYLOAD}, ${concurrency} at a time, storm threshold ${THRESHOLD}, one ServiceNow integration`);
  console.log(['database', 'alerts', 'seconds', 'alerts/s', 'incidents', 'expected', 'platform writes', 'idle RSS MB', 'peak RSS MB'].join('\t'));
  for (const r of rows) console.log([r.database, r.alerts, r.seconds.toFixed(1), Math.round(r.perSecond), r.incidents, THRESHOLD + 1, r.writes, r.idleMb, r.peakMb].join('\t'));
  console.log(`Target: at least ${TARGET_PER_SECOND} alerts/s on PostgreSQL; exactly ${THRESHOLD + 1} incidents (${THRESHOLD} own, one storm).`);
}

async function scenario(database, total, concurrency) {
  const snow = await servicenow.startEmulator();
  const storage = await openStorage(database, 'alerts');
  const hub = await benchHub(storage.env, TOKEN);
  try {
    const integration = await hub.api('POST', '/api/v1/integrations', { name: 'snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, rate_limit_per_minute: 1_000_000 });
    await hub.api('POST', '/api/v1/alert-mappings', { name: 'storm', alert_type: 'NodeDown', integrations: ['snow'], storm: { window: '10m', threshold: THRESHOLD } });
    const payloads = [];
    for (let p = 0; p < total / PER_PAYLOAD; p += 1) payloads.push(payload(p));
    const idleMb = rssMb(hub.pid);
    let peakMb = idleMb;
    const sampler = setInterval(() => { peakMb = Math.max(peakMb, rssMb(hub.pid)); }, 50);
    const t0 = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < payloads.length) {
        const body = payloads[next];
        next += 1;
        await hub.api('POST', '/api/v1/alerts/alertmanager', body);
      }
    }));
    const seconds = (Date.now() - t0) / 1000;
    const incidents = (await hub.api('GET', '/api/v1/incidents?limit=1')).total;
    for (let i = 0; i < 3_000; i += 1) {
      const status = await hub.api('GET', `/api/v1/integrations/${integration.id}/sync-status`);
      if (status.outbox_depth === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(sampler);
    const writes = snow.emulator.requests.filter((r) => r.path.startsWith('/api/now/table/incident') && ['POST', 'PATCH'].includes(r.method)).length;
    console.log(`${database}: ${total} alerts in ${seconds.toFixed(1)} s, ${incidents} incidents, ${writes} ServiceNow writes`);
    return { database, alerts: total, seconds, perSecond: total / seconds, incidents, writes, idleMb, peakMb };
  } finally {
    await hub.close();
    await storage.close();
    await snow.close();
  }
}

function payload(p) {
  return {
    version: '4', groupKey: `{}:{alertname="NodeDown",rack="${p}"}`, truncatedAlerts: 0, status: 'firing', receiver: 'itsm-hub',
    groupLabels: { alertname: 'NodeDown', rack: String(p) }, commonLabels: { alertname: 'NodeDown' }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: PER_PAYLOAD }, (_, i) => ({
      status: 'firing', labels: { alertname: 'NodeDown', rack: String(p), instance: `node-${p}-${i}`, severity: 'critical' },
      annotations: { summary: `node-${p}-${i} is down` }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph', fingerprint: `${p.toString(16).padStart(4, '0')}${i.toString(16).padStart(4, '0')}`,
    })),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
