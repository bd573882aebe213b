import { Command, Option } from 'commander';
import type { HubClient } from '../HubClient';
import { printObject, printPage, printRows } from '../output';
import { withIntegrationNames } from './integrationNames';
import { expandId } from './shortIds';
import { definedOnly, formatOption, limitOption, offsetOption, orgOption, pageQuery, parseInteger } from './options';

const STATUSES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];

const statusOption = (help: string) => new Option('--status <status>', help).choices(STATUSES);
const priorityOption = (help: string) => new Option('--priority <priority>', help).choices(PRIORITIES);

/** The field flags create and update share; create makes --title mandatory. */
function addFieldOptions(command: Command): Command {
  return command
    .option('--description <text>', 'Description')
    .addOption(statusOption('Status'))
    .addOption(priorityOption('Priority'))
    .option('--assignee <email>', 'Assignee email')
    .option('--impact <n>', 'Impact, 1 (high) to 3 (low)', parseInteger)
    .option('--urgency <n>', 'Urgency, 1 (high) to 3 (low)', parseInteger)
    .option('--category <category>', 'Category')
    .addOption(orgOption())
    .addOption(formatOption());
}

const fieldsOf = (opts: Record<string, unknown>) =>
  definedOnly({
    title: opts.title,
    description: opts.description,
    status: opts.status,
    priority: opts.priority,
    assignee: opts.assignee,
    impact: opts.impact,
    urgency: opts.urgency,
    category: opts.category,
  });

export function incidentCommand(client: () => HubClient): Command {
  const cmd = new Command('incident').description('Incidents, their comments and their links to external records');
  const path = (id: string, suffix = '') => `api/v1/incidents/${encodeURIComponent(id)}${suffix}`;

  addFieldOptions(cmd.command('create').description('Create an incident; it goes out to every outbound integration').requiredOption('--title <title>', 'Title'))
    .action(async (opts) => printObject(opts.format, await client().request('POST', 'api/v1/incidents', fieldsOf(opts), { organization_id: opts.org })));

  cmd
    .command('list')
    .description('List incidents')
    .addOption(statusOption('Filter by status'))
    .addOption(priorityOption('Filter by priority'))
    .option('--assignee <email>', 'Filter by assignee')
    .addOption(limitOption())
    .addOption(offsetOption())
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (opts) => {
      const page = await client().request('GET', 'api/v1/incidents', undefined, {
        organization_id: opts.org,
        status: opts.status,
        priority: opts.priority,
        assignee: opts.assignee,
        ...pageQuery(opts),
      });
      printPage(opts.format, page, ['id', 'title', 'status', 'priority', 'assignee', 'updated_at'], opts.offset);
    });

  cmd
    .command('show <id>')
    .description('Show an incident with its comments')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const incident = await hub.request('GET', path(await incidentId(hub, given, opts.org)), undefined, { organization_id: opts.org });
      if (opts.format === 'json') {
        printObject('json', incident);
        return;
      }
      const { comments, ...fields } = incident;
      printObject('table', fields);
      process.stdout.write('\nComments:\n');
      printRows('table', comments, ['created_at', 'visibility', 'author', 'origin', 'body']);
    });

  addFieldOptions(cmd.command('update <id>').description('Change incident fields').option('--title <title>', 'Title'))
    .action(async (given, opts) => {
      const hub = client();
      printObject(opts.format, await hub.request('PATCH', path(await incidentId(hub, given, opts.org)), fieldsOf(opts), { organization_id: opts.org }));
    });

  cmd
    .command('comment <id>')
    .description('Add a comment to the incident\'s journal')
    .requiredOption('--body <text>', 'Comment text')
    .option('--internal', 'Internal work note instead of a public comment')
    .option('--author <author>', 'Author shown with the comment')
    .addOption(orgOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await incidentId(hub, given, opts.org);
      const body = definedOnly({ body: opts.body, author: opts.author, visibility: opts.internal ? 'internal' : 'public' });
      const comment = await hub.request('POST', path(id, '/comments'), body, { organization_id: opts.org });
      process.stdout.write(`Added ${comment.visibility} comment ${comment.id} to incident ${id}\n`);
    });

  cmd
    .command('links <incident-id>')
    .description('List the incident\'s links to external records')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const { links } = await hub.request('GET', path(await incidentId(hub, given, opts.org), '/links'), undefined, { organization_id: opts.org });
      const rows = await withIntegrationNames(hub, opts.format, opts.org, links);
      printRows(opts.format, rows, ['integration', 'external_id', 'external_number', 'sync_status', 'last_synced_at', 'external_url'], links);
    });
  cmd
    .command('link <incident-id>')
    .description('Link the incident to a record that already exists on the platform')
    .requiredOption('--integration <integration>', 'Integration id or name')
    .requiredOption('--external-id <id>', 'Id of the record on the platform')
    .addOption(orgOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await incidentId(hub, given, opts.org);
      const link = await hub.request('POST', path(id, '/links'), { integration: opts.integration, external_id: opts.externalId }, { organization_id: opts.org });
      process.stdout.write(`Linked incident ${id} to ${link.external_number ?? link.external_id} on ${opts.integration}\n`);
    });
  cmd
    .command('unlink <incident-id>')
    .description('Remove the incident\'s link on one integration')
    .requiredOption('--integration <integration>', 'Integration id or name')
    .addOption(orgOption())
    .addOption(formatOption())
    .action(async (given, opts) => {
      const hub = client();
      const id = await incidentId(hub, given, opts.org);
      await hub.request('DELETE', path(id, `/links/${encodeURIComponent(opts.integration)}`), undefined, { organization_id: opts.org });
      // The API answers 204 without a body, so JSON states what was done for scripts to check.
      if (opts.format === 'json') printObject('json', { incident_id: id, integration: opts.integration, unlinked: true });
      else process.stdout.write(`Unlinked incident ${id} from ${opts.integration}\n`);
    });
  return cmd;
}

/** The whole id of an incident given as in tables (cut to 8 characters) or whole. */
function incidentId(hub: HubClient, given: string, org: string | undefined): Promise<string> {
  return expandId(hub, given, 'incident', 'api/v1/incidents', { organization_id: org });
}
