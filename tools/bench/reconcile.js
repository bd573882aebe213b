'use strict';
/**
 * `npm run bench:reconcile`: a reconciliation run of one ServiceNow integration over N emulator
 * records against N hub records with 1% drift, on PostgreSQL and on the embedded database.
 * A benchmark, not a test: it prints records checked per second and the hub's memory, and exits 0
 * unless something broke.
 *
 * Both sides are seeded directly, not through the API: one incident goes through the real path
 * (API, outbox, ServiceNow) and is then copied N times by SQL on the hub side (records and links)
 * and by the emulator's seeding call on the platform side, so every copy is linked and in sync as
 * the real path would leave it; 1% then differ in their short description on the platform.
 *
 * BENCH_RECORDS (default 10000,100000), BENCH_DATABASES (embedded,postgres), DATABASE_URL for
 * PostgreSQL, BENCH_HUB_NODE_ARGS (e.g. --cpu-prof) for the hub process. Memory is the hub process's resident set: idle after start, and the peak sampled
 * every 50 ms during the run (the embedded database lives in the hub process).
 */
const { createHash } = require('node:crypto');
const { benchHub, openStorage, rssMb } = require('./benchHub');
const servicenow = require('@itsm-hub/adapter-servicenow/emulator');

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const TOKEN = 'ihub_bench-admin-token-0123456789abcdef';
const DRIFT_EVERY = 100;
const TARGET_PER_SECOND = 2_000;
const TARGET_MEMORY_MB = 300;

async function main() {
  const counts = list('BENCH_RECORDS', '10000,100000').map(Number);
  const databases = list('BENCH_DATABASES', process.env.DATABASE_URL ? 'postgres,embedded' : 'embedded');
  const rows = [];
  for (const database of databases) for (const count of counts) rows.push(await scenario(database, count));
  console.log('\nReconciliation of one ServiceNow integration, 1% drift, dry run (0 ms platform latency)');
  console.log(['database', 'records', 'checked', 'drift found', 'seconds', 'checked/s', 'idle RSS MB', 'peak RSS MB', 'above idle MB', 'emulator CPU s'].join('\t'));
  for (const r of rows) console.log([r.database, r.records, r.checked, r.drift, r.seconds.toFixed(1), Math.round(r.perSecond), r.idleMb, r.peakMb, r.peakMb - r.idleMb, r.emulatorSeconds.toFixed(1)].join('\t'));
  console.log('The emulator answers in the bench\'s own process: its CPU time is the platform\'s share of the run.');
  console.log(`Targets: at least ${TARGET_PER_SECOND} records checked per second; memory flat in the record count and under ${TARGET_MEMORY_MB} MB above the idle hub on PostgreSQL.`);
}

async function scenario(database, count) {
  const snow = await servicenow.startEmulator();
  const storage = await openStorage(database, 'reconcile');
  try {
    // The real path once: the template every copy is made from.
    let hub = await benchHub(storage.env, TOKEN);
    const integration = await hub.api('POST', '/api/v1/integrations', {
      name: 'bench-snow', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: 'admin' }, rate_limit_per_minute: 1_000_000,
    });
    const template = await hub.api('POST', '/api/v1/incidents', { title: 'Bench template', priority: 'P3' });
    let link;
    for (let i = 0; i < 500 && link?.sync_status !== 'synced'; i += 1) {
      link = (await hub.api('GET', `/api/v1/incidents/${template.id}/links`)).links[0];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (link?.sync_status !== 'synced') throw new Error('the template incident did not sync');
    await hub.close();

    const started = Date.now();
    await seedHub(storage, template.id, count);
    const hubSeeded = Date.now();
    seedPlatform(snow, link.external_id, count);
    const seedSeconds = `${((hubSeeded - started) / 1000).toFixed(1)} s hub, ${((Date.now() - hubSeeded) / 1000).toFixed(1)} s platform`;

    hub = await benchHub(storage.env, TOKEN);
    const idleMb = rssMb(hub.pid);
    let peakMb = idleMb;
    const sampler = setInterval(() => { peakMb = Math.max(peakMb, rssMb(hub.pid)); }, 50);
    const t0 = Date.now();
    const emulatorCpu = process.cpuUsage();
    const run = await hub.api('POST', `/api/v1/integrations/${integration.id}/reconcile?wait=true`, { dry_run: true });
    const seconds = (Date.now() - t0) / 1000;
    const used = process.cpuUsage(emulatorCpu);
    clearInterval(sampler);
    peakMb = Math.max(peakMb, rssMb(hub.pid));
    await hub.close();
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error}`);
    console.log(`${database} ${count}: seeded in ${seedSeconds}; ${JSON.stringify(run.counts)}`);
    return { database, records: count, checked: run.total_checked, drift: run.counts.field_drift, seconds, perSecond: run.total_checked / seconds, idleMb, peakMb, emulatorSeconds: (used.user + used.system) / 1e6 };
  } finally {
    await storage.close();
    await snow.close();
  }
}

const uuidOf = (n) => {
  const h = createHash('md5').update(`bench-incident-${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const sysIdOf = (n) => createHash('md5').update(`bench-sys-${n}`).digest('hex');
const numberOf = (n) => `INC${String(1_000_000 + n).padStart(7, '0')}`;

/** N copies of the template's record and link, by SQL in the database the hub uses (the hub is stopped). */
async function seedHub(storage, templateId, count) {
  const db = await storage.open();
  try {
    const uuid = (column) => `(substr(md5('bench-incident-' || g), 1, 8) || '-' || substr(md5('bench-incident-' || g), 9, 4) || '-' || substr(md5('bench-incident-' || g), 13, 4) || '-' || substr(md5('bench-incident-' || g), 17, 4) || '-' || substr(md5('bench-incident-' || g), 21, 12)) AS ${column}`;
    // The template is read once (MATERIALIZED: scanned again for each copy, the table it is copied
    // into would grow under the scan), and each copy is built once in a LATERAL (`(f(...)).*` would
    // call f once per column).
    await db.query(
      `WITH t AS MATERIALIZED (SELECT to_jsonb(i) AS row FROM incidents i WHERE i.id = $1)
       INSERT INTO incidents SELECT r.*
         FROM t, (SELECT g, ${uuid('id')} FROM generate_series(1, $2) g) c,
              LATERAL jsonb_populate_record(NULL::incidents, t.row || jsonb_build_object('id', c.id, 'title', 'Bench ' || c.g)) r`,
      [templateId, count],
    );
    await db.query(
      `WITH t AS MATERIALIZED (SELECT to_jsonb(l) AS row FROM integration_sync_map l WHERE l.entity_id = $1)
       INSERT INTO integration_sync_map SELECT r.*
         FROM t, (SELECT g, ${uuid('id')} FROM generate_series(1, $2) g) c,
              LATERAL jsonb_populate_record(NULL::integration_sync_map, t.row || jsonb_build_object(
                'id', gen_random_uuid()::text, 'entity_id', c.id, 'external_id', md5('bench-sys-' || c.g), 'external_number', 'INC' || lpad((1000000 + c.g)::text, 7, '0'),
                'external_url', NULL, 'base', (t.row -> 'base') || jsonb_build_object('short_description', 'Bench ' || c.g))) r`,
      [templateId, count],
    );
    await db.query('ANALYZE');
  } finally {
    await db.destroy();
  }
}

/** The same N records on the platform, through the emulator's seeding call; every hundredth edited there. */
function seedPlatform(snow, templateSysId, count) {
  const template = snow.emulator.tables.incident.find((row) => row.sys_id === templateSysId);
  const rows = [];
  for (let n = 1; n <= count; n += 1) {
    rows.push({
      ...template, sys_id: sysIdOf(n), number: numberOf(n), correlation_id: uuidOf(n),
      short_description: n % DRIFT_EVERY === 0 ? `Bench ${n} (edited in ServiceNow)` : `Bench ${n}`,
    });
  }
  snow.emulator.seedRows('incident', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
