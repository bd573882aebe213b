import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError, type HubClient } from '../HubClient';
import { printObject, printRows, type Format } from '../output';

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

const formatOption = () => new Option('--format <format>', 'Output format').choices(['table', 'json']).default('table');
const orgOption = () => new Option('--org <organization>', 'Organization id or name (instance admin only)');

const parseBool = (value: string) => {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('expected true or false');
  return value === 'true';
};
const parseInteger = (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer');
  return Number(value);
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
    const fields = {
      type: opts.type,
      base_url: opts.baseUrl,
      direction: opts.direction,
      enabled: opts.enabled,
      webhook_secret: opts.webhookSecret,
      conflict_strategy: opts.conflictStrategy,
      rate_limit_per_minute: opts.rateLimit,
      settings: opts.setting,
      credentials: Object.keys(credentials).length > 0 ? credentials : undefined,
    };
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
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
    .addOption(orgOption())
    .action(async (ref, opts) => {
      await client().request('DELETE', path(ref), undefined, { organization_id: opts.org });
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
    .addOption(formatOption())
    .action(async (ref, opts) => {
      const result = await client().request('GET', path(ref, '/ownership'), undefined, { organization_id: opts.org });
      printRows(opts.format, result.rules, ['field', 'owner', 'priority', 'updated_at'], result);
    });
  ownership
    .command('set <integration> <field>')
    .addOption(new Option('--owner <owner>', 'Owner').choices(['platform', 'external']).makeOptionMandatory())
    .option('--priority <n>', 'Priority (higher wins in conflicts)', parseInteger, 0)
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (ref, field, opts) => {
      const rule = await client().request('PATCH', path(ref, `/ownership/${encodeURIComponent(field)}`), { owner: opts.owner, priority: opts.priority }, { organization_id: opts.org });
      printObject(opts.format, rule);
    });
  ownership
    .command('delete <integration> <field>')
    .addOption(orgOption())
    .action(async (ref, field, opts) => {
      await client().request('DELETE', path(ref, `/ownership/${encodeURIComponent(field)}`), undefined, { organization_id: opts.org });
      process.stdout.write(`Deleted ownership rule ${field}\n`);
    });
  return cmd;
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
