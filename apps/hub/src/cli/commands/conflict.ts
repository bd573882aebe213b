import { Command, Option } from 'commander';
import type { HubClient } from '../HubClient';
import { printObject, printPage } from '../output';
import { withIntegrationNames } from './integrationNames';
import { expandId } from './shortIds';
import { formatOption, limitOption, offsetOption, orgOption, pageQuery } from './options';

const RESOLUTIONS = [
  { flag: 'usePlatform', name: '--use-platform' },
  { flag: 'useExternal', name: '--use-external' },
  { flag: 'ignore', name: '--ignore' },
] as const;

export function conflictCommand(client: () => HubClient): Command {
  const cmd = new Command('conflict').description('Conflicts between hub and platform values');
  const path = (id: string, suffix = '') => `api/v1/conflicts/${encodeURIComponent(id)}${suffix}`;

  cmd
    .command('list')
    .description('List conflicts, newest first')
    .option('--integration <integration>', 'Filter by integration (id or name)')
    .addOption(new Option('--status <status>', 'Filter by status').choices(['pending', 'resolved', 'ignored']))
    .option('--incident <id>', 'Filter by incident ID')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const hub = client();
      const page = await hub.request('GET', 'api/v1/conflicts', undefined, {
        organization_id: opts.org,
        integration: opts.integration,
        status: opts.status,
        incident: opts.incident,
        ...pageQuery(opts),
      });
      const items = await withIntegrationNames(hub, opts.format, opts.org, page.items);
      printPage(opts.format, { ...page, items }, ['id', 'record_kind', 'record_id', 'integration', 'field_name', 'platform_value', 'external_value', 'status', 'detected_at'], opts.offset);
    });

  cmd
    .command('show <conflict-id>')
    .description('Show a conflict')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await expandId(hub, given, 'conflict', 'api/v1/conflicts', { organization_id: opts.org });
      printObject(opts.format, await hub.request('GET', path(id), undefined, { organization_id: opts.org }));
    });

  cmd
    .command('resolve <conflict-id>')
    .description('Resolve a pending conflict with exactly one of --use-platform, --use-external, --ignore')
    .option('--use-platform', 'Use the platform (hub) value: it is written to the external system')
    .option('--use-external', 'Use the external value: it becomes the hub value')
    .option('--ignore', 'Ignore the conflict: nothing is written')
    .addOption(orgOption())
    .action(async (given, opts, command: Command) => {
      const chosen = RESOLUTIONS.filter((r) => opts[r.flag]);
      if (chosen.length !== 1) command.error(`error: give exactly one of ${RESOLUTIONS.map((r) => r.name).join(', ')}`);
      const hub = client();
      const query = { organization_id: opts.org };
      const id = await expandId(hub, given, 'conflict', 'api/v1/conflicts', { ...query, status: 'pending' });
      const conflict = opts.ignore
        ? await hub.request('POST', path(id, '/ignore'), undefined, query)
        : await hub.request('POST', path(id, '/resolve'), { use: opts.usePlatform ? 'platform' : 'external' }, query);
      process.stdout.write(`Conflict ${conflict.id} ${conflict.status} (${conflict.resolution})\n`);
    });
  return cmd;
}
