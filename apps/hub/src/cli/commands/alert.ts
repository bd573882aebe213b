import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { HubClient } from '../HubClient';
import { printObject, printPage, printRows } from '../output';
import { expandId } from './shortIds';
import { formatOption, limitOption, offsetOption, orgOption, pageQuery } from './options';

const STATUSES = ['firing', 'acknowledged', 'resolved', 'unmapped', 'suppressed', 'pending_approval', 'dismissed'];

interface AlertRow {
  id: string;
  tickets: Array<{ integration_name: string; number: string | null; sync_status: string }>;
  [key: string]: unknown;
}

/** Each ticket as `integration:number`, for the table. */
const withTickets = (alert: AlertRow) => ({ ...alert, tickets: alert.tickets.map((t) => `${t.integration_name}:${t.number ?? '(pending)'}`).join(', ') });

/** `im alert list|show|ack|resolve|approve|dismiss` and `im alert key create|list|revoke`. */
export function alertCommand(client: () => HubClient): Command {
  const cmd = new Command('alert').description('Alerts and the tickets they opened').enablePositionalOptions();
  const idOf = (hub: HubClient, given: string, org?: string) => expandId(hub, given, 'alert', 'api/v1/alerts', { organization_id: org });

  cmd
    .command('list')
    .description('List alerts, newest first, with their tickets')
    .addOption(new Option('--status <status>', 'Filter by status').choices(STATUSES))
    .option('--mapping <mapping>', 'Filter by alert mapping (id or name)')
    .option('--dedup-key <key>', 'Filter by deduplication key')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const page = await client().request<{ items: AlertRow[]; total: number }>('GET', 'api/v1/alerts', undefined, {
        organization_id: opts.org, status: opts.status, mapping: opts.mapping, dedup_key: opts.dedupKey, ...pageQuery(opts),
      });
      const items = opts.format === 'json' ? page.items : page.items.map(withTickets);
      printPage(opts.format, { ...page, items }, ['id', 'status', 'severity', 'summary', 'count', 'tickets', 'last_seen'], opts.offset);
    });

  cmd
    .command('show <alert-id>')
    .description('Show an alert with its incident and ticket references')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const alert = await hub.request<AlertRow>('GET', `api/v1/alerts/${encodeURIComponent(await idOf(hub, given, opts.org))}`, undefined, { organization_id: opts.org });
      printObject(opts.format, opts.format === 'json' ? alert : withTickets(alert));
    });

  for (const [name, action, description] of [
    ['ack', 'acknowledge', 'Acknowledge a firing alert: its ticket moves to acknowledged'],
    ['resolve', 'resolve', 'Resolve an alert: its ticket resolves once none of its alerts fires'],
    ['approve', 'approve', 'Approve an alert waiting for approval: its ticket opens'],
    ['dismiss', 'dismiss', 'Dismiss an alert waiting for approval, unmapped or suppressed'],
  ] as const) {
    cmd
      .command(`${name} <alert-id>`)
      .description(description)
      .addOption(orgOption())
      .addOption(formatOption())
      .action(async (given, opts) => {
        const hub = client();
        const alert = await hub.request<AlertRow>('POST', `api/v1/alerts/${encodeURIComponent(await idOf(hub, given, opts.org))}/${action}`, undefined, { organization_id: opts.org });
        printObject(opts.format, opts.format === 'json' ? alert : withTickets(alert));
      });
  }

  const key = cmd.command('key').description('Routing keys for PagerDuty-style events (POST /api/v1/alerts/events)');
  key
    .command('create <name>')
    .description('Issue a routing key; it is shown once')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (name, opts) => printObject(opts.format, await client().request('POST', 'api/v1/alert-intake-keys', { name }, { organization_id: opts.org })));
  key
    .command('list')
    .description('List routing keys (never the keys themselves)')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const { keys } = await client().request<{ keys: Array<Record<string, unknown>> }>('GET', 'api/v1/alert-intake-keys', undefined, { organization_id: opts.org });
      printRows(opts.format, keys, ['id', 'name', 'hint', 'created_at', 'revoked_at'], { keys });
    });
  key
    .command('revoke <key-id>')
    .description('Revoke a routing key')
    .addOption(orgOption())
    .action(async (id, opts) => {
      await client().request('DELETE', `api/v1/alert-intake-keys/${encodeURIComponent(id)}`, undefined, { organization_id: opts.org });
      console.log(`Revoked alert intake key ${id}`);
    });
  return cmd;
}

/** `im alert-mapping create|list|get|update|delete|test`: a mapping is JSON, given with --file (or - for stdin). */
export function alertMappingCommand(client: () => HubClient): Command {
  const cmd = new Command('alert-mapping').description('Alert mappings: which alerts open tickets where, and how');
  const path = (ref: string) => `api/v1/alert-mappings/${encodeURIComponent(ref)}`;
  const body = (file: string) => JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));

  cmd
    .command('create')
    .description('Create a mapping from a JSON file (fields as POST /api/v1/alert-mappings takes them)')
    .requiredOption('--file <path>', 'JSON file, or - for stdin')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => printObject(opts.format, await client().request('POST', 'api/v1/alert-mappings', body(opts.file), { organization_id: opts.org })));
  cmd
    .command('list')
    .description('List mappings')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const { mappings } = await client().request<{ mappings: Array<Record<string, unknown>> }>('GET', 'api/v1/alert-mappings', undefined, { organization_id: opts.org });
      const rows = mappings.map((m) => ({ ...m, match: JSON.stringify(m.match), integrations: (m.integrations as string[]).length }));
      printRows(opts.format, opts.format === 'json' ? mappings : rows, ['name', 'alert_type', 'match', 'integrations', 'group_by', 'mode', 'on_resolved'], { mappings });
    });
  cmd
    .command('get <mapping>')
    .description('Show a mapping (id or name)')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => printObject(opts.format, await client().request('GET', path(ref), undefined, { organization_id: opts.org })));
  cmd
    .command('update <mapping>')
    .description('Change a mapping with the fields of a JSON file')
    .requiredOption('--file <path>', 'JSON file, or - for stdin')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => printObject(opts.format, await client().request('PATCH', path(ref), body(opts.file), { organization_id: opts.org })));
  cmd
    .command('test <mapping>')
    .description("Send one synthetic alert through the mapping, wait for its ticket on each integration, report them and resolve the alert (seed 004's rollout step)")
    .option('--timeout <seconds>', 'How long to wait for the tickets', '60')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const hub = client();
      const query = { organization_id: opts.org };
      const mapping = await hub.request<{ id: string; integrations: string[] }>('GET', path(ref), undefined, query);
      let alert = await hub.request<AlertRow & { error: string | null }>('POST', `${path(ref)}/test`, undefined, query);
      const id = alert.id;
      const giveUpAt = Date.now() + Number(opts.timeout) * 1000;
      const done = () => alert.error || (alert.tickets.length >= mapping.integrations.length && alert.tickets.every((t) => t.number && t.sync_status === 'synced') || alert.tickets.some((t) => t.sync_status === 'error'));
      while (!done() && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        alert = await hub.request('GET', `api/v1/alerts/${id}`, undefined, query);
      }
      const resolved = await hub.request<AlertRow>('POST', `api/v1/alerts/${id}/resolve`, undefined, query);
      if (opts.format === 'json') return printObject('json', { alert: id, tickets: alert.tickets, error: alert.error, resolved: resolved.status === 'resolved' });
      printRows(opts.format, alert.tickets as unknown as Array<Record<string, unknown>>, ['integration_name', 'number', 'external_id', 'table', 'sync_status', 'url']);
      if (alert.error) throw new Error(alert.error);
      const missing = alert.tickets.length < mapping.integrations.length || alert.tickets.some((t) => t.sync_status !== 'synced');
      if (missing) throw new Error(`Not every ticket was created within ${opts.timeout} s: see im alert show ${id} and the integrations' dead letter queues.`);
      console.log(`Test alert ${id} resolved; its tickets resolve through sync.`);
    });
  cmd
    .command('delete <mapping>')
    .description('Delete a mapping; its alerts stay')
    .addOption(orgOption())
    .action(async (ref, opts) => {
      await client().request('DELETE', path(ref), undefined, { organization_id: opts.org });
      console.log(`Deleted alert mapping ${ref}`);
    });
  return cmd;
}
