import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ApiError, type HubClient } from '../HubClient';
import { printObject, printPage, printRows, type Format } from '../output';
import { definedOnly, formatOption, kindOption, limitOption, offsetOption, orgOption, pageQuery, parseInteger } from './options';

/** CLI flag -> credential field of the integration (seed 000 plus the other credential kinds). */
const CREDENTIAL_FLAGS: Array<[flag: string, key: string, help: string]> = [
  ['--username <username>', 'username', 'Username (ServiceNow)'],
  ['--password <password>', 'password', 'Password (ServiceNow)'],
  ['--client-id <id>', 'client_id', 'OAuth client id (ServiceNow, HaloITSM)'],
  ['--client-secret <secret>', 'client_secret', 'OAuth client secret (ServiceNow, HaloITSM)'],
  ['--email <email>', 'email', 'Email (Jira)'],
  ['--api-key <key>', 'api_key', 'API key (Jira)'],
  ['--token <token>', 'token', 'API token (PagerDuty)'],
  ['--tenant <tenant>', 'tenant', 'Tenant (HaloITSM cloud)'],
  ['--auth-server <url>', 'auth_server', 'Authorisation server URL (HaloITSM; default <base-url>/auth)'],
];

const parseBool = (value: string) => {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('expected true or false');
  return value === 'true';
};
const collectSetting = (value: string, previous: Record<string, string> = {}) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};

const integrationColumns = ['name', 'type', 'base_url', 'direction', 'enabled', 'conflict_strategy', 'id'];

export function integrationCommand(client: () => HubClient): Command {
  const cmd = new Command('integration').description('Manage integrations with external platforms');
  const path = (ref: string, suffix = '') => `api/v1/integrations/${encodeURIComponent(ref)}${suffix}`;

  const configure = cmd
    .command('configure')
    .description('Create an integration, or update the one with this --name')
    .requiredOption('--name <name>', 'Integration name (required)')
    .option('--type <type>', 'Integration type: servicenow, jira, pagerduty, halo')
    .addOption(orgOption())
    .option('--base-url <url>', 'External system API URL')
    .addOption(new Option('--direction <direction>', 'Sync direction').choices(['none', 'inbound', 'outbound', 'bidirectional']))
    .option('--enabled <bool>', 'Enable/disable integration (true|false)', parseBool)
    .option('--webhook-secret <secret>', 'Webhook signature secret')
    .addOption(new Option('--conflict-strategy <strategy>', 'Conflict resolution').choices(['last-write-wins', 'ownership-priority', 'manual-review']))
    .option('--rate-limit <n>', 'Requests per minute to the platform', parseInteger)
    .option('--setting <key=value>', 'Adapter setting (repeatable)', collectSetting)
    .addOption(formatOption());
  for (const [flag, , help] of CREDENTIAL_FLAGS) configure.option(flag, help);
  configure.action(async (opts) => {
    const credentials = Object.fromEntries(
      CREDENTIAL_FLAGS.map(([, key]) => [key, opts[camel(key)]]).filter(([, v]) => v !== undefined),
    );
    const body = definedOnly({
      type: opts.type,
      base_url: opts.baseUrl,
      direction: opts.direction,
      enabled: opts.enabled,
      webhook_secret: opts.webhookSecret,
      conflict_strategy: opts.conflictStrategy,
      rate_limit_per_minute: opts.rateLimit,
      settings: opts.setting,
      credentials: Object.keys(credentials).length > 0 ? credentials : undefined,
    });
    const existing = await client().request('GET', path(opts.name), undefined, { organization_id: opts.org }).catch((err) => {
      if (err instanceof ApiError && err.status === 404 && err.problem.code === 'HUB_ERR_NOT_FOUND' && /Integration/.test(err.message)) return undefined;
      throw err;
    });
    const saved = existing
      ? await client().request('PATCH', path(existing.id), body, { organization_id: opts.org })
      : await client().request('POST', 'api/v1/integrations', { name: opts.name, credentials: {}, ...body }, { organization_id: opts.org });
    if (opts.format === 'table') process.stdout.write(`${existing ? 'Updated' : 'Created'} integration ${saved.name} (${saved.id})\n`);
    printObject(opts.format, saved);
  });

  cmd
    .command('list')
    .description('List integrations')
    .addOption(orgOption())
    .option('--type <type>', 'Filter by integration type')
    .addOption(formatOption())
    .action(async (opts) => {
      const result = await client().request('GET', 'api/v1/integrations', undefined, { organization_id: opts.org, type: opts.type });
      printRows(opts.format, result.integrations, integrationColumns, result.integrations);
    });

  cmd
    .command('get <ref>')
    .description('Show an integration by name or id')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => printObject(opts.format, await client().request('GET', path(ref), undefined, { organization_id: opts.org })));

  cmd
    .command('delete <ref>')
    .description('Delete an integration by name or id')
    .option('--force', 'Delete even with undelivered outbox or dead letter entries (they are dropped)')
    .addOption(orgOption())
    .action(async (ref, opts) => {
      await client().request('DELETE', path(ref), undefined, { organization_id: opts.org, force: opts.force ? 'true' : undefined });
      process.stdout.write(`Deleted integration ${ref}\n`);
    });

  cmd
    .command('test <ref>')
    .description('Check authentication, reachability and permissions against the platform')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const result = await client().request('POST', path(ref, '/test'), undefined, { organization_id: opts.org });
      const rows = result.checks.map((c: { passed: boolean }) => ({ ...c, result: c.passed ? 'PASS' : 'FAIL' }));
      printRows(opts.format, rows, ['name', 'result', 'status', 'message'], result);
      if (opts.format === 'table') process.stdout.write(result.success ? 'Connection test passed\n' : 'Connection test FAILED\n');
      if (!result.success) process.exitCode = 1;
    });

  const ownership = cmd.command('field-ownership').description('Field ownership rules of an integration');
  ownership
    .command('list <integration>')
    .addOption(orgOption())
    .addOption(kindOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const result = await client().request('GET', path(ref, '/ownership'), undefined, { organization_id: opts.org, kind: opts.kind });
      printRows(opts.format, result.rules, ['field', 'owner', 'priority', 'updated_at'], result);
    });
  ownership
    .command('set <integration> <field>')
    .addOption(new Option('--owner <owner>', 'Owner').choices(['platform', 'external']).makeOptionMandatory())
    .option('--priority <n>', 'Priority (higher wins in conflicts)', parseInteger, 0)
    .addOption(orgOption())
    .addOption(kindOption())
    .addOption(formatOption())
    .action(async (ref, field, opts) => {
      const rule = await client().request('PATCH', path(ref, `/ownership/${encodeURIComponent(field)}`), { owner: opts.owner, priority: opts.priority }, { organization_id: opts.org, kind: opts.kind });
      printObject(opts.format, rule);
    });
  ownership
    .command('delete <integration> <field>')
    .addOption(orgOption())
    .addOption(kindOption())
    .action(async (ref, field, opts) => {
      await client().request('DELETE', path(ref, `/ownership/${encodeURIComponent(field)}`), undefined, { organization_id: opts.org, kind: opts.kind });
      process.stdout.write(`Deleted ownership rule ${field}\n`);
    });

  cmd
    .command('sync-status <ref>')
    .description('Link states, queue depths, dead letters, pending conflicts and the last success and error')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const status = await client().request('GET', path(ref, '/sync-status'), undefined, { organization_id: opts.org });
      const { links, ...rest } = status;
      const flat = { ...Object.fromEntries(Object.entries(links).map(([state, n]) => [`links.${state}`, n])), ...rest };
      printObject(opts.format, opts.format === 'json' ? status : flat);
    });

  cmd
    .command('dlq <integration>')
    .description('List dead letter entries: jobs the platform kept refusing')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const page = await client().request('GET', path(ref, '/dead-letter-queue'), undefined, { organization_id: opts.org, ...pageQuery(opts) });
      printPage(opts.format, page, ['id', 'record_kind', 'record_id', 'job', 'attempts', 'error_status', 'error_message', 'created_at'], opts.offset);
    });
  cmd
    .command('dlq-retry <integration> <entry-id>')
    .description('Send a dead letter entry again with a fresh retry budget')
    .addOption(orgOption())
    .action(async (ref, entry, opts) => {
      await client().request('POST', path(ref, `/dead-letter-queue/${encodeURIComponent(entry)}/retry`), undefined, { organization_id: opts.org });
      process.stdout.write(`Queued dead letter entry ${entry} for retry\n`);
    });
  cmd
    .command('dlq-discard <integration> <entry-id>')
    .description('Drop a dead letter entry without sending it')
    .addOption(orgOption())
    .action(async (ref, entry, opts) => {
      await client().request('DELETE', path(ref, `/dead-letter-queue/${encodeURIComponent(entry)}`), undefined, { organization_id: opts.org });
      process.stdout.write(`Discarded dead letter entry ${entry}\n`);
    });

  const mappings = cmd.command('mappings').description('Field mappings of an integration, per record kind (incidents by default)');
  mappings
    .command('get <integration>')
    .description('Show the mappings (the adapter\'s defaults until set)')
    .addOption(orgOption())
    .addOption(kindOption())
    .addOption(formatOption())
    .action(async (ref, opts) => printMappings(opts.format, await client().request('GET', path(ref, '/mappings'), undefined, { organization_id: opts.org, kind: opts.kind })));
  mappings
    .command('set <integration>')
    .description('Replace the mappings; an empty list restores the adapter\'s defaults')
    .requiredOption('--file <file>', 'JSON file with {"mappings":[...]} or a bare array of mappings')
    .addOption(orgOption())
    .addOption(kindOption())
    .addOption(formatOption())
    .action(async (ref, opts, command: Command) => {
      const content = readMappingsFile(command, opts.file);
      const body = Array.isArray(content) ? { mappings: content } : content;
      printMappings(opts.format, await client().request('PUT', path(ref, '/mappings'), body, { organization_id: opts.org, kind: opts.kind }));
    });
  return cmd;
}

function printMappings(format: Format, view: { source: string; mappings: Array<Record<string, unknown>> }): void {
  if (format === 'table') process.stdout.write(`Source: ${view.source}\n`);
  printRows(format, view.mappings, ['field', 'external_field', 'direction', 'value_map', 'default'], view);
}

/** A file the user named is a usage error when unusable, so it fails before any request. */
function readMappingsFile(command: Command, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    command.error(`error: cannot read mappings file '${file}': ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    command.error(`error: mappings file '${file}' is not valid JSON: ${(err as Error).message}`);
  }
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
