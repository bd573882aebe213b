import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ApiError, type HubClient } from '../HubClient';
import { printObject, printPage, printRows, type Format } from '../output';
import { adapterFlags, adapterOfType, collectAdapterValues, type AdapterDescription, type AdapterFlag } from './adapterFlags';
import { definedOnly, formatOption, kindOption, limitOption, offsetOption, orgOption, pageQuery, parseBoolean, parseInteger } from './options';
import { reconcileCommand } from './reconcile';
import { expandId } from './shortIds';

const collectSetting = (value: string, previous: Record<string, string> = {}) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};

const integrationColumns = ['name', 'type', 'base_url', 'direction', 'enabled', 'conflict_strategy', 'id'];

export function integrationCommand(client: () => HubClient, argv: string[] = []): Command {
  const cmd = new Command('integration').description('Manage integrations with external platforms').enablePositionalOptions();
  const path = (ref: string, suffix = '') => `api/v1/integrations/${encodeURIComponent(ref)}${suffix}`;

  const configure = cmd
    .command('configure')
    .description('Create an integration, or update the one with this --name; --type <type> --help lists that type\'s credential and settings flags')
    .requiredOption('--name <name>', 'Integration name (required)')
    .option('--type <type>', 'Integration type: an adapter loaded by the hub (GET /api/v1/adapters)')
    .addOption(orgOption())
    .option('--base-url <url>', 'External system API URL')
    .addOption(new Option('--direction <direction>', 'Sync direction').choices(['none', 'inbound', 'outbound', 'bidirectional']))
    .option('--enabled <bool>', 'Enable/disable integration (true|false)', parseBoolean)
    .option('--webhook-secret <secret>', 'Webhook signature secret')
    .addOption(new Option('--conflict-strategy <strategy>', 'Conflict resolution').choices(['last-write-wins', 'ownership-priority', 'manual-review']))
    .option('--rate-limit <n>', 'Requests per minute to the platform', parseInteger)
    .option('--setting <key=value>', 'Adapter setting (repeatable)', collectSetting)
    .addOption(formatOption());
  const findIntegration = (name: string, org: string | undefined) =>
    client().request('GET', path(name), undefined, { organization_id: org }).catch((err) => {
      if (err instanceof ApiError && err.status === 404 && err.problem.code === 'HUB_ERR_NOT_FOUND' && /Integration/.test(err.message)) return undefined;
      throw err;
    });
  // The flags of the adapter's credentials and settings come from the hub, so they are added once the type is known.
  let adapter: { description?: AdapterDescription; flags: AdapterFlag[]; existing?: Promise<any> } = { flags: [] };
  cmd.hook('preSubcommand', async (_cmd, sub) => {
    if (sub !== configure) return;
    adapter = await loadAdapterFlags(configure, configureArgs(argv), client, findIntegration);
  });
  configure.action(async (opts) => {
    const { credentials, settings } = collectAdapterValues(adapter.flags, opts, opts.setting, adapter.description);
    const body = definedOnly({
      type: opts.type,
      base_url: opts.baseUrl,
      direction: opts.direction,
      enabled: opts.enabled,
      webhook_secret: opts.webhookSecret,
      conflict_strategy: opts.conflictStrategy,
      rate_limit_per_minute: opts.rateLimit,
      settings,
      credentials,
    });
    const existing = await (adapter.existing ?? findIntegration(opts.name, opts.org));
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

  cmd.addCommand(reconcileCommand(client));

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
    .description('Link states, queue depths, inbound errors, dead letters, pending conflicts, rate limits and the last success and error')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const status = await client().request('GET', path(ref, '/sync-status'), undefined, { organization_id: opts.org });
      const { links, rate_limited: limited, ...rest } = status;
      const prefixed = (prefix: string, values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}.${key}`, value]));
      const flat = { ...prefixed('links', links), ...rest, ...(limited ? prefixed('rate_limited', limited) : { rate_limited: 'no' }) };
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
    .action(async (ref, given, opts) => {
      const hub = client();
      const entry = await expandId(hub, given, 'dead letter entry', path(ref, '/dead-letter-queue'), { organization_id: opts.org });
      await hub.request('POST', path(ref, `/dead-letter-queue/${encodeURIComponent(entry)}/retry`), undefined, { organization_id: opts.org });
      process.stdout.write(`Queued dead letter entry ${entry} for retry\n`);
    });
  cmd
    .command('dlq-discard <integration> <entry-id>')
    .description('Drop a dead letter entry without sending it')
    .addOption(orgOption())
    .action(async (ref, given, opts) => {
      const hub = client();
      const entry = await expandId(hub, given, 'dead letter entry', path(ref, '/dead-letter-queue'), { organization_id: opts.org });
      await hub.request('DELETE', path(ref, `/dead-letter-queue/${encodeURIComponent(entry)}`), undefined, { organization_id: opts.org });
      process.stdout.write(`Discarded dead letter entry ${entry}\n`);
    });

  cmd
    .command('inbox <integration>')
    .description('List inbound events: pending, and failed ones (the record could not be read or applied) with the platform\'s message')
    .option('--state <state>', 'pending or failed')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const page = await client().request('GET', path(ref, '/inbox'), undefined, { organization_id: opts.org, state: opts.state, ...pageQuery(opts) });
      printPage(opts.format, page, ['id', 'state', 'record_kind', 'external_id', 'event_type', 'attempts', 'error_status', 'last_error', 'failed_at'], opts.offset);
    });
  cmd
    .command('inbox-retry <integration> <entry-id>')
    .description('Handle a failed inbound event again: the hub reads the record\'s current state')
    .addOption(orgOption())
    .action(async (ref, entry, opts) => {
      await client().request('POST', path(ref, `/inbox/${encodeURIComponent(entry)}/retry`), undefined, { organization_id: opts.org });
      process.stdout.write(`Queued inbox entry ${entry} for retry\n`);
    });
  cmd
    .command('inbox-discard <integration> <entry-id>')
    .description('Drop a failed inbound event')
    .addOption(orgOption())
    .action(async (ref, entry, opts) => {
      await client().request('DELETE', path(ref, `/inbox/${encodeURIComponent(entry)}`), undefined, { organization_id: opts.org });
      process.stdout.write(`Discarded inbox entry ${entry}\n`);
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
      const saved = await client().request('PUT', path(ref, '/mappings'), body, { organization_id: opts.org, kind: opts.kind });
      printMappings(opts.format, saved);
      if (opts.format === 'table' && saved.linked_records_differing > 0) {
        process.stdout.write(`${saved.linked_records_differing} linked records differ under the new mappings; im integration reconcile ${ref} --auto-heal brings them over\n`);
      }
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

type FindIntegration = (name: string, org: string | undefined) => Promise<any>;

/** The arguments after `integration configure`, which the hook reads before commander parses them. */
function configureArgs(argv: string[]): string[] {
  const at = argv.indexOf('configure', argv.indexOf('integration') + 1);
  return at < 0 ? [] : argv.slice(at + 1);
}

function flagValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

const hubAdapters = async (client: () => HubClient) => (await client().request<{ adapters: AdapterDescription[] }>('GET', 'api/v1/adapters')).adapters;

/**
 * Adds the flags of the integration's adapter to `configure`. The type is `--type`, or for an update the stored
 * integration's; the hub's own adapter list says which flags that type has, so a new adapter needs no CLI change.
 */
async function loadAdapterFlags(configure: Command, args: string[], client: () => HubClient, findIntegration: FindIntegration) {
  const wantsHelp = args.includes('--help') || args.includes('-h');
  const name = flagValue(args, '--name');
  let type = flagValue(args, '--type');
  let existing: Promise<any> | undefined;
  if (type === undefined && name !== undefined && !wantsHelp) {
    existing = findIntegration(name, flagValue(args, '--org'));
    const found = await existing;
    // Said before commander parses, which would otherwise reject the adapter's flags as unknown options.
    if (!found) configure.error(`error: --type is required to create an integration (${(await hubAdapters(client)).map((a) => a.type).join(', ')})`);
    type = found.type;
  }
  if (type === undefined && !wantsHelp) return { flags: [], existing };
  let adapters: AdapterDescription[];
  try {
    adapters = await hubAdapters(client);
  } catch (err) {
    if (!wantsHelp) throw err;
    configure.addHelpText('after', `\nEach type's credential and settings flags come from the hub, which did not answer: ${(err as Error).message}\n`);
    return { flags: [], existing };
  }
  const known = adapters.map((a) => `${a.type} (${a.display_name})`).join(', ');
  if (type === undefined) {
    configure.addHelpText('after', `\nTypes on this hub: ${known}.\nRun im integration configure --type <type> --help for that type's credential and settings flags.\n`);
    return { flags: [], existing };
  }
  const description = adapterOfType(adapters, type);
  if (!description) configure.error(`error: unknown integration type '${type}'; this hub has: ${known}`);
  const taken = new Set(configure.options.map((o) => o.long).filter((long): long is string => long !== undefined).concat('--help'));
  const flags = adapterFlags(description, taken);
  for (const flag of flags) {
    configure.addOption(flag.option.helpGroup(`${description.display_name} ${flag.target}:`));
  }
  return { description, flags, existing };
}
