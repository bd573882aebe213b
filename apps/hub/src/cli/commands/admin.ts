import { Command, Option } from 'commander';
import { saveCliConfig, type HubClient } from '../HubClient';
import { printObject, printRows } from '../output';
import { formatOption } from './options';

export function loginCommand(): Command {
  return new Command('login')
    .description('Save the hub URL and token for later commands')
    .requiredOption('--url <url>', 'Hub URL, e.g. http://localhost:8080')
    .requiredOption('--token <token>', 'API token')
    .action((opts) => {
      const file = saveCliConfig({ url: opts.url, token: opts.token });
      process.stdout.write(`Saved ${opts.url} to ${file}\n`);
    });
}

export function orgCommand(client: () => HubClient): Command {
  const cmd = new Command('org').description('Organizations (instance admin)');
  cmd
    .command('create <name>')
    .addOption(formatOption())
    .action(async (name, opts) => printObject(opts.format, await client().request('POST', 'api/v1/organizations', { name })));
  cmd
    .command('list')
    .addOption(formatOption())
    .action(async (opts) => {
      const result = await client().request('GET', 'api/v1/organizations');
      printRows(opts.format, result.organizations, ['name', 'id', 'created_at'], result.organizations);
    });
  return cmd;
}

export function tokenCommand(client: () => HubClient): Command {
  const cmd = new Command('token').description('API tokens (instance admin)');
  cmd
    .command('create')
    .requiredOption('--org <organization>', 'Organization id or name')
    .requiredOption('--name <name>', 'What the token is for')
    .addOption(new Option('--role <role>', 'Role').choices(['admin', 'member', 'ingest']).default('member'))
    .addOption(formatOption())
    .action(async (opts) => {
      const token = await client().request('POST', `api/v1/organizations/${encodeURIComponent(opts.org)}/tokens`, { name: opts.name, role: opts.role });
      printObject(opts.format, token);
      if (opts.format === 'table') process.stderr.write('Store the token now: it is not shown again.\n');
    });
  cmd
    .command('revoke <id>')
    .action(async (id) => {
      await client().request('DELETE', `api/v1/tokens/${encodeURIComponent(id)}`);
      process.stdout.write(`Revoked token ${id}\n`);
    });
  return cmd;
}
