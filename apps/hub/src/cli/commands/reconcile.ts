import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import type { HubClient } from '../HubClient';
import { printObject, printPage, printRows } from '../output';
import { formatOption, limitOption, offsetOption, orgOption, pageQuery } from './options';
import { expandId } from './shortIds';

const RUN_COLUMNS = ['id', 'type', 'status', 'trigger', 'dry_run', 'auto_heal', 'started_at', 'total_checked', 'discrepancies_found', 'auto_healed'];
const ITEM_COLUMNS = ['category', 'record_id', 'external_number', 'matched_by', 'action', 'outcome', 'message'];
/** How often a terminal's progress bar asks the hub how far the run is. */
const PROGRESS_EVERY_MS = 500;

interface Run {
  id: string;
  status: string;
  dry_run: boolean;
  auto_heal: boolean;
  total_expected: number | null;
  total_checked: number;
  discrepancies_found: number;
  auto_healed: number;
  failed_items: number;
  counts: Record<string, number>;
  error: string | null;
}

interface Item {
  category: string;
  record_id: string | null;
  external_number: string | null;
  external_id: string | null;
  action: string;
  outcome: string;
  message: string | null;
  fields: Array<{ field: string; hub: unknown; external: unknown; action: string }>;
}

const runPath = (id: string, suffix = '') => `api/v1/sync-runs/${encodeURIComponent(id)}${suffix}`;

/** `im integration reconcile <integration>` with its `history` and `schedule` subcommands (seed 000). */
export function reconcileCommand(client: () => HubClient): Command {
  const path = (ref: string, suffix = '') => `api/v1/integrations/${encodeURIComponent(ref)}${suffix}`;
  // Its own options only before a subcommand's name, so `reconcile history <integration> --format json` reaches history (see runCli).
  const reconcile = new Command('reconcile')
    .enablePositionalOptions()
    .description('Compare every record of the integration with the platform: report drift, keep the plan (--dry-run), or heal it (--auto-heal)')
    .argument('<integration>', 'Integration name or id')
    .option('--dry-run', 'Check without making changes; the findings are kept as a plan (im run apply)')
    .option('--auto-heal', 'Automatically fix drift through the normal sync paths')
    .option('--detailed-exitcode', 'Exit 2 when discrepancies were found (0: none, 1: error), as terraform plan does')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const hub = client();
      const body = { dry_run: Boolean(opts.dryRun), auto_heal: Boolean(opts.autoHeal), trigger: 'manual' };
      const query = { organization_id: opts.org };
      const showProgress = opts.format === 'table' && Boolean(process.stdout.isTTY);
      const run: Run = showProgress
        ? await follow(hub, await hub.request('POST', path(ref, '/reconcile'), body, query), query)
        : await hub.request('POST', path(ref, '/reconcile'), body, { ...query, wait: 'true' });
      const integration = await hub.request('GET', path(ref), undefined, query);
      if (opts.format === 'json') printObject('json', run as unknown as Record<string, unknown>);
      else await printSummary(hub, run, integration.type, query);
      if (run.status === 'failed') process.exitCode = 1;
      else if (opts.detailedExitcode && run.discrepancies_found > 0) process.exitCode = 2;
    });
  reconcile
    .command('history <integration>')
    .description('The integration\'s reconciliation runs, newest first')
    .addOption(limitOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const result = await client().request('GET', path(ref, '/reconcile/history'), undefined, { organization_id: opts.org, limit: opts.limit?.toString() });
      printRows(opts.format, result.runs, RUN_COLUMNS.filter((c) => c !== 'type'), result);
    });
  reconcile
    .command('schedule <integration>')
    .description('Show, set (--cron) or remove (--remove) the integration\'s reconciliation schedule; it runs once per tick across hub processes')
    .option('--cron <expression>', 'Cron expression, e.g. "0 3 * * *" (minute hour day-of-month month day-of-week)')
    .option('--timezone <zone>', 'IANA time zone the expression is read in', 'UTC')
    .option('--dry-run', 'Scheduled runs only report and keep their plan')
    .option('--auto-heal', 'Scheduled runs fix drift')
    .option('--remove', 'Remove the schedule')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const hub = client();
      const query = { organization_id: opts.org };
      if (opts.remove && opts.cron) throw new Error('Give --cron to set the schedule or --remove to remove it, not both');
      if (opts.remove) {
        await hub.request('DELETE', path(ref, '/reconcile/schedule'), undefined, query);
        process.stdout.write(`Removed the reconciliation schedule of ${ref}\n`);
        return;
      }
      const schedule = opts.cron
        ? await hub.request('POST', path(ref, '/reconcile/schedule'), { cron: opts.cron, timezone: opts.timezone, dry_run: Boolean(opts.dryRun), auto_heal: Boolean(opts.autoHeal) }, query)
        : await hub.request('GET', path(ref, '/reconcile/schedule'), undefined, query);
      printObject(opts.format, schedule);
    });
  return reconcile;
}

/** Polls a started run with a progress bar (records checked of the total the platform gives) until it ends. */
async function follow(hub: HubClient, started: Run, query: Record<string, string | undefined>): Promise<Run> {
  const bar = new SingleBar({ format: 'Reconciling |{bar}| {value}/{total} records checked, {discrepancies} discrepancies', hideCursor: true, clearOnComplete: true });
  bar.start(started.total_expected ?? 0, 0, { discrepancies: 0 });
  let run = started;
  try {
    while (run.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_EVERY_MS));
      run = await hub.request('GET', runPath(run.id), undefined, query);
      if (run.total_expected !== null) bar.setTotal(Math.max(run.total_expected, run.total_checked));
      bar.update(run.total_checked, { discrepancies: run.discrepancies_found });
    }
  } finally {
    bar.stop();
  }
  return run;
}

/** The run's counts, then its drift grouped by identical change ("priority: 37 records, hub P2 / servicenow 3"), then its other findings. */
async function printSummary(hub: HubClient, run: Run, platform: string, query: Record<string, string | undefined>): Promise<void> {
  const mode = run.dry_run ? ' (dry run: nothing changed; apply with im run apply)' : run.auto_heal ? ' (auto-heal)' : '';
  process.stdout.write(`Run ${run.id} ${run.status}${mode}: ${run.total_checked} checked, ${run.discrepancies_found} discrepancies, ${run.auto_healed} healed${run.failed_items ? `, ${run.failed_items} failed` : ''}\n`);
  if (run.error) process.stdout.write(`Error: ${run.error}\n`);
  printRows('table', Object.entries(run.counts).map(([category, records]) => ({ category, records })), ['category', 'records']);
  const items = await allItems(hub, run.id, query);
  const groups = new Map<string, { field: string; records: number; hub: unknown; external: unknown; action: string }>();
  for (const item of items) {
    for (const f of item.fields) {
      const key = JSON.stringify([f.field, f.hub, f.external, f.action]);
      const group = groups.get(key) ?? { field: f.field, records: 0, hub: f.hub, external: f.external, action: f.action };
      group.records += 1;
      groups.set(key, group);
    }
  }
  if (groups.size > 0) {
    process.stdout.write('\nDrift:\n');
    const rows = [...groups.values()].sort((a, b) => b.records - a.records).map((g) => ({ field: g.field, records: g.records, hub: g.hub, [platform]: g.external, action: g.action }));
    printRows('table', rows, ['field', 'records', 'hub', platform, 'action']);
    for (const g of [...groups.values()].slice(0, 3)) process.stdout.write(`  ${g.field}: ${g.records} record${g.records === 1 ? '' : 's'}, hub ${show(g.hub)} / ${platform} ${show(g.external)}\n`);
  }
  const others = items.filter((i) => i.category !== 'field_drift');
  if (others.length > 0) {
    process.stdout.write('\nOther findings:\n');
    printRows('table', others.map((i) => ({ ...i, external_number: i.external_number ?? i.external_id })), ITEM_COLUMNS);
  }
}

const show = (value: unknown) => (value === null || value === undefined || value === '' ? '(empty)' : typeof value === 'object' ? JSON.stringify(value) : String(value));

async function allItems(hub: HubClient, runId: string, query: Record<string, string | undefined>): Promise<Item[]> {
  const items: Item[] = [];
  for (let offset = 0; ; ) {
    const page = await hub.request<{ items: Item[]; total: number }>('GET', runPath(runId, '/items'), undefined, { ...query, limit: '500', offset: String(offset) });
    items.push(...page.items);
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) return items;
  }
}

/** `im run`: the journal of every long job (reconciliation now; imports and publishes later). */
export function runCommand(client: () => HubClient): Command {
  const cmd = new Command('run').description('Runs of long jobs (reconciliation): list, show, export as CSV, apply a saved plan');
  const runId = (hub: HubClient, given: string, org: string | undefined) => expandId(hub, given, 'run', 'api/v1/sync-runs', { organization_id: org });
  cmd
    .command('list')
    .description('Runs, newest first')
    .option('--integration <integration>', 'Only this integration (name or id)')
    .addOption(new Option('--type <type>', 'Only this job type').choices(['reconcile', 'import', 'publish']))
    .addOption(new Option('--status <status>', 'Only runs in this status').choices(['running', 'succeeded', 'failed', 'partial', 'canceled']))
    .option('--from <time>', 'Runs started at or after this ISO time')
    .option('--to <time>', 'Runs started before this ISO time')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const page = await client().request('GET', 'api/v1/sync-runs', undefined, {
        organization_id: opts.org, integration: opts.integration, type: opts.type, status: opts.status, from: opts.from, to: opts.to, ...pageQuery(opts),
      });
      printPage(opts.format, page, ['id', 'integration_id', ...RUN_COLUMNS.slice(1)], opts.offset);
    });
  cmd
    .command('show <run>')
    .description('A run with its counts and the records it found')
    .addOption(new Option('--category <category>', 'Only items of this category').choices(['field_drift', 'missing_external', 'not_created', 'relink', 'orphan_external']))
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await runId(hub, given, opts.org);
      const run = await hub.request('GET', runPath(id), undefined, { organization_id: opts.org });
      const page = await hub.request('GET', runPath(id, '/items'), undefined, { organization_id: opts.org, category: opts.category, ...pageQuery(opts) });
      if (opts.format === 'json') {
        printObject('json', { ...run, items: page.items, items_total: page.total });
        return;
      }
      const { counts, ...rest } = run;
      printObject('table', { ...rest, ...Object.fromEntries(Object.entries(counts as Record<string, number>).map(([c, n]) => [`counts.${c}`, n])) });
      process.stdout.write('\n');
      const rows = page.items.map((i: Item) => ({ ...i, fields: i.fields.map((f) => `${f.field}: ${show(f.hub)} / ${show(f.external)} (${f.action})`).join('; ') }));
      printPage('table', { items: rows, total: page.total }, ['id', 'category', 'record_id', 'external_number', 'action', 'outcome', 'fields', 'message'], opts.offset);
    });
  cmd
    .command('export <run>')
    .description('The run as CSV with a header row: its items, its errors and warnings only, or both')
    .addOption(new Option('--part <part>', 'What to export').choices(['items', 'errors', 'all']).default('all'))
    .option('--output <file>', 'Write to this file instead of standard output')
    .addOption(orgOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await runId(hub, given, opts.org);
      const csv: string = await hub.request('GET', runPath(id, '/export'), undefined, { organization_id: opts.org, part: opts.part });
      if (opts.output) {
        writeFileSync(opts.output, csv);
        process.stderr.write(`Wrote ${opts.output}\n`);
      } else process.stdout.write(csv);
    });
  cmd
    .command('apply <run>')
    .description('Apply a saved plan exactly: items whose records changed since the plan are skipped as stale')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await runId(hub, given, opts.org);
      const run: Run = await hub.request('POST', runPath(id, '/apply'), undefined, { organization_id: opts.org });
      if (opts.format === 'json') {
        printObject('json', run as unknown as Record<string, unknown>);
        return;
      }
      const stale = await hub.request('GET', runPath(id, '/items'), undefined, { organization_id: opts.org, outcome: 'stale', limit: '1', offset: '0' });
      process.stdout.write(`Applied run ${run.id}: ${run.auto_healed} healed, ${stale.total} stale${run.failed_items ? `, ${run.failed_items} failed` : ''}\n`);
      if (stale.total > 0) process.stdout.write(`Stale items changed since the plan; run im integration reconcile again for a fresh plan\n`);
    });
  return cmd;
}
