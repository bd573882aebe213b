import 'reflect-metadata';
import { EngineSpec } from '../testing/engineSpec';
import { IntegrationService } from '../integrations/IntegrationService';
import { MappingService } from '../mapping/MappingService';
import { putMappingsSchema } from '../mapping/mappingSchemas';
import { RecordService } from '../records/RecordService';
import { RUN_STALE_MS, SyncRunService } from './SyncRunService';
import { insertRun, type SyncRun } from './SyncRunStore';

/**
 * Reconciliation through the memory platform: every category found, a dry run that changes
 * nothing anywhere, a plain run's bookkeeping, auto-heal through the normal paths, and a saved plan
 * that applies and skips a stale item.
 */
describe('reconciliation runs', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 1, concurrency: 4 } });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const records = () => spec.di.resolve(RecordService);
  const runs = () => spec.di.resolve(SyncRunService);
  const linkOf = async (recordId: string, integrationId: string) =>
    (await spec.db.query(`SELECT * FROM integration_sync_map WHERE entity_type = 'incident' AND entity_id = $1 AND integration_id = $2`, [recordId, integrationId]))[0];
  const reconcile = async (integrationId: string, options: { dry_run?: boolean; auto_heal?: boolean } = {}): Promise<SyncRun> =>
    (await runs().startReconcile(spec.org, integrationId, options, 'api')).done;
  const itemsOf = async (run: SyncRun) => (await runs().items(spec.org, run.id, { limit: 100, offset: 0 })).items;

  /** One record of each category on integration `a`; returns their ids. */
  async function drifted(extra: Record<string, unknown> = {}) {
    const a = await spec.integration('a', extra);
    const inSync = await records().create(spec.org, 'incident', { title: 'Steady', status: 'acknowledged' });
    const pulled = await records().create(spec.org, 'incident', { title: 'Edited there' });
    const pushed = await records().create(spec.org, 'incident', { title: 'Edited here' });
    const gone = await records().create(spec.org, 'incident', { title: 'Deleted there' });
    const relinked = await records().create(spec.org, 'incident', { title: 'Answer lost' });
    await spec.drainOut();
    // A platform user edits with business rules off: no webhook.
    spec.platform.edit((await linkOf(pulled.id, a)).external_id, { summary: 'Edited there, later' });
    // A script edits the hub row directly: no outbox job.
    await spec.db.query(`UPDATE incidents SET title = 'Edited here, later', version = version + 1 WHERE id = $1`, [pushed.id]);
    spec.platform.records.delete((await linkOf(gone.id, a)).external_id);
    // The create went through but its answer was lost and its job with it: the platform record carries our id.
    const relinkedOn = (await linkOf(relinked.id, a)).external_id;
    await spec.db.query(`DELETE FROM integration_sync_map WHERE entity_id = $1`, [relinked.id]);
    spec.platform.records.get(relinkedOn)!.correlationId = relinked.id;
    // Created while the integration could not take it (an integration added later, a dropped job).
    const uncreated = await records().create(spec.org, 'incident', { title: 'Never sent' });
    await spec.db.query(`DELETE FROM sync_outbox WHERE record_id = $1`, [uncreated.id]);
    const orphan = spec.platform.add('incident', { summary: 'Made there by hand', state: 'open' });
    return { a, inSync, pulled, pushed, gone, relinked, relinkedOn, uncreated, orphan };
  }

  it('finds every category, says how each matched and what healing would do, and keeps the plan', async () => {
    const r = await drifted();
    const run = await reconcile(r.a, { dry_run: true });
    expect(run).toMatchObject({
      status: 'succeeded', dry_run: true, total_checked: 7, discrepancies_found: 6, auto_healed: 0, total_expected: 5,
      counts: { in_sync: 1, field_drift: 2, missing_external: 1, not_created: 1, relink: 1, orphan_external: 1 },
    });
    const items = await itemsOf(run);
    const byRecord = (id: string) => items.find((i) => i.record_id === id);
    expect(byRecord(r.pulled.id)).toMatchObject({
      category: 'field_drift', matched_by: 'link', action: 'update', outcome: 'planned',
      fields: [{ field: 'title', external_field: 'summary', hub: 'Edited there', external: 'Edited there, later', base: 'Edited there', owner: null, action: 'pull', reason: 'changed on the platform since the last sync' }],
    });
    expect(byRecord(r.pushed.id)?.fields).toEqual([expect.objectContaining({ hub: 'Edited here, later', external: 'Edited here', action: 'push' })]);
    expect(byRecord(r.gone.id)).toMatchObject({ category: 'missing_external', matched_by: 'link', action: 'none', outcome: 'reported' });
    expect(byRecord(r.relinked.id)).toMatchObject({ category: 'relink', matched_by: 'correlation_id', external_id: r.relinkedOn, action: 'relink', outcome: 'planned' });
    expect(byRecord(r.uncreated.id)).toMatchObject({ category: 'not_created', matched_by: 'none', action: 'create', outcome: 'planned' });
    expect(items.find((i) => i.external_id === r.orphan.id)).toMatchObject({ category: 'orphan_external', matched_by: 'none', record_id: null, action: 'none', outcome: 'reported' });
    expect(byRecord(r.inSync.id)).toBeUndefined();
  });

  it('changes nothing anywhere on a dry run: hub tables other than the run journal and audit, and the platform', async () => {
    const r = await drifted();
    // The audit of the read calls, and the rate-limit slots they spend, are the only other writes.
    const journal = new Set(['sync_runs', 'sync_run_items', 'sync_run_seen', 'integration_sync_log', 'sync_rate_events', 'migrations']);
    const tables: string[] = (await spec.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)).map((t: { tablename: string }) => t.tablename).filter((t: string) => !journal.has(t));
    const snapshot = async () => ({
      hub: Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await spec.db.query(`SELECT * FROM ${t} ORDER BY 1`)]))),
      platform: JSON.stringify([...spec.platform.records.entries()]),
      writes: spec.platform.writes.length,
    });
    const before = await snapshot();
    await reconcile(r.a, { dry_run: true });
    expect(await snapshot()).toEqual(before);
  });

  it('applies only bookkeeping without a flag: the relink and the missing record\'s link state', async () => {
    const r = await drifted();
    const run = await reconcile(r.a);
    const items = await itemsOf(run);
    expect(items.find((i) => i.record_id === r.relinked.id)).toMatchObject({ category: 'relink', outcome: 'applied' });
    expect(await linkOf(r.relinked.id, r.a)).toMatchObject({ external_id: r.relinkedOn, sync_status: 'synced' });
    expect(await linkOf(r.gone.id, r.a)).toMatchObject({ sync_status: 'error', last_error: expect.stringContaining('is no longer on a') });
    expect(items.filter((i) => i.outcome === 'planned').map((i) => i.category).sort()).toEqual(['field_drift', 'field_drift', 'not_created']);
    expect(spec.platform.writes).toHaveLength(5);
    expect(run.auto_healed).toBe(1);
  });

  it('heals every category through the normal paths with auto-heal, after which a run finds everything in sync', async () => {
    const r = await drifted({ settings: { reconcile_missing: 'recreate', reconcile_orphans: 'import' } });
    const run = await reconcile(r.a, { auto_heal: true });
    expect(run).toMatchObject({ status: 'succeeded', discrepancies_found: 6, auto_healed: 6, failed_items: 0 });
    await spec.drainOut();
    await spec.drainIn();
    await spec.drainOut();
    expect((await records().get(spec.org, 'incident', r.pulled.id)).values.title).toBe('Edited there, later');
    const pushedOn = spec.platform.records.get((await linkOf(r.pushed.id, r.a)).external_id)!;
    expect(pushedOn.fields.summary).toBe('Edited here, later');
    // Exactly the drifted field went out.
    expect(spec.platform.writes.filter((w) => w.op === 'update')).toEqual([expect.objectContaining({ fields: { summary: 'Edited here, later' } })]);
    const recreated = await linkOf(r.gone.id, r.a);
    expect(spec.platform.records.get(recreated.external_id)?.fields.summary).toBe('Deleted there');
    expect(spec.platform.records.get((await linkOf(r.uncreated.id, r.a)).external_id)?.fields.summary).toBe('Never sent');
    const imported = (await spec.db.query(`SELECT entity_id FROM integration_sync_map WHERE external_id = $1`, [r.orphan.id]))[0];
    expect((await records().get(spec.org, 'incident', imported.entity_id)).values.title).toBe('Made there by hand');

    const again = await reconcile(r.a, { dry_run: true });
    expect(again).toMatchObject({ discrepancies_found: 0, counts: { in_sync: 7 } });
  });

  it('opens a conflict under manual review for a field changed on both sides, through the conflict store', async () => {
    const a = await spec.integration('a', { conflict_strategy: 'manual-review' });
    const incident = await records().create(spec.org, 'incident', { title: 'Both sides' });
    await spec.drainOut();
    spec.platform.edit((await linkOf(incident.id, a)).external_id, { summary: 'Their title' });
    await spec.db.query(`UPDATE incidents SET title = 'Our title', version = version + 1 WHERE id = $1`, [incident.id]);
    const run = await reconcile(a, { auto_heal: true });
    expect((await itemsOf(run))[0].fields).toEqual([expect.objectContaining({ action: 'conflict', hub: 'Our title', external: 'Their title', base: 'Both sides' })]);
    const conflicts = await spec.db.query(`SELECT field_name, platform_value, external_value, base_value, status FROM conflict_records WHERE record_id = $1`, [incident.id]);
    expect(conflicts).toEqual([{ field_name: 'title', platform_value: 'Our title', external_value: 'Their title', base_value: 'Both sides', status: 'pending' }]);
    expect(await linkOf(incident.id, a)).toMatchObject({ sync_status: 'conflict' });
  });

  it('counts the linked records a mapping change leaves different, which auto-heal then brings over', async () => {
    const a = await spec.integration('a');
    for (const title of ['One', 'Two', 'Three']) await records().create(spec.org, 'incident', { title });
    await spec.drainOut();
    const row = await spec.di.resolve(IntegrationService).get(spec.org, a);
    const view = await spec.di.resolve(MappingService).replace(row, putMappingsSchema.parse({ mappings: [
      { field: 'title', external_field: 'summary', direction: 'bidirectional' },
      { field: 'status', external_field: 'state', direction: 'bidirectional', value_map: { new: 'triage' } },
    ] }));
    expect(view.linked_records_differing).toBe(3);
    const run = await reconcile(a, { auto_heal: true });
    expect(run).toMatchObject({ counts: expect.objectContaining({ field_drift: 3 }), auto_healed: 3 });
    await spec.drainOut();
    expect([...spec.platform.records.values()].map((r) => r.fields.state)).toEqual(['triage', 'triage', 'triage']);
    expect((await reconcile(a, { dry_run: true })).discrepancies_found).toBe(0);
  });

  it('applies a saved plan exactly once, skipping an item whose record changed since as stale', async () => {
    const r = await drifted();
    const plan = await reconcile(r.a, { dry_run: true });
    spec.platform.edit((await linkOf(r.pulled.id, r.a)).external_id, { summary: 'Edited there again' });
    const applied = await runs().apply(spec.org, plan.id);
    expect(applied.applied_at).not.toBeNull();
    const items = await itemsOf(plan);
    expect(items.find((i) => i.record_id === r.pulled.id)).toMatchObject({ outcome: 'stale', message: expect.stringContaining('changed on the platform since the plan') });
    expect(items.find((i) => i.record_id === r.pushed.id)).toMatchObject({ outcome: 'applied' });
    expect(items.find((i) => i.record_id === r.gone.id)).toMatchObject({ outcome: 'reported' });
    await spec.drainOut();
    expect(spec.platform.records.get((await linkOf(r.pushed.id, r.a)).external_id)!.fields.summary).toBe('Edited here, later');
    expect((await records().get(spec.org, 'incident', r.pulled.id)).values.title).toBe('Edited there');
    await expect(runs().apply(spec.org, plan.id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('was applied at') });
  });

  it('refuses a second run of the same integration while one runs, naming it', async () => {
    const a = await spec.integration('a');
    // As another hub process would have it: a run in progress, its heart beating.
    const other = await insertRun(spec.db, { organizationId: spec.org, integrationId: a, type: 'reconcile', trigger: 'schedule', dryRun: false, autoHeal: false, kinds: ['incident'] }, spec.clock.now());
    await expect(runs().startReconcile(spec.org, a, {}, 'api')).rejects.toMatchObject({ status: 409, message: expect.stringContaining(other!.id) });
    // Once its process has stopped beating for RUN_STALE_MS, the run is taken as failed and a new one starts.
    spec.offsetMs += RUN_STALE_MS + 1_000;
    const next = await reconcile(a, { dry_run: true });
    expect(next.status).toBe('succeeded');
    expect(await runs().get(spec.org, other!.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('stopped before it finished') });
    await expect(runs().startReconcile(spec.org, a, { dry_run: true, auto_heal: true }, 'api')).rejects.toMatchObject({ status: 400 });
  });
});
