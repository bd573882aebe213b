import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { imInProcess } from './imInProcess';

/** The sync, conflict and incident commands, run in process against source so no build is needed. */
describe('im CLI: incidents, links, mappings, dead letters and conflicts', () => {
  let t: TestHub;
  let servicenow: ServiceNowEmulatorHandle;
  const workDir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-cli-sync-'));
  const savedEnv = { ...process.env };

  const im = imInProcess;
  const json = async (args: string[]) => {
    const result = await im([...args, '--format', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };
  const file = (name: string, content: string) => {
    const target = path.join(workDir, name);
    writeFileSync(target, content);
    return target;
  };

  beforeAll(async () => {
    [t, servicenow] = await Promise.all([startTestHub(), startServiceNow()]);
    Object.assign(process.env, { XDG_CONFIG_HOME: workDir, HUB_URL: t.hub.url, HUB_TOKEN: ADMIN_TOKEN });
    // Direction none keeps the engine from syncing in the background, so the counts below stay zero.
    const configured = await im(['integration', 'configure', '--name', 'snow', '--type', 'servicenow', '--base-url', servicenow.url, '--username', 'admin', '--password', 'admin', '--direction', 'none']);
    expect(configured.code).toBe(0);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await servicenow?.close();
    await t?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('creates, lists, shows, updates and comments on incidents', async () => {
    const created = await json(['incident', 'create', '--title', 'Mail is down', '--description', 'No mail since 9:00', '--priority', 'P2', '--assignee', 'ops@example.com', '--impact', '2', '--urgency', '1', '--category', 'email']);
    expect(created).toMatchObject({ title: 'Mail is down', status: 'new', priority: 'P2', assignee: 'ops@example.com', impact: 2, urgency: 1, category: 'email' });
    await json(['incident', 'create', '--title', 'Printer jam', '--priority', 'P4']);

    const all = await json(['incident', 'list']);
    expect(all.total).toBe(2);
    expect((await json(['incident', 'list', '--priority', 'P2'])).items.map((i: { id: string }) => i.id)).toEqual([created.id]);
    const paged = await im(['incident', 'list', '--limit', '1']);
    expect(paged.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+STATUS\s+PRIORITY/);
    expect(paged.stdout).toContain('Showing 1-1 of 2');

    const updated = await json(['incident', 'update', created.id, '--status', 'in_progress', '--priority', 'P1', '--title', 'Mail is down for everyone']);
    expect(updated).toMatchObject({ id: created.id, title: 'Mail is down for everyone', status: 'in_progress', priority: 'P1', category: 'email' });

    expect(await im(['incident', 'comment', created.id, '--body', 'Restarting the relay', '--internal', '--author', 'ops'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Added internal comment') });
    expect((await im(['incident', 'comment', created.id, '--body', 'We are on it'])).code).toBe(0);
    const shown = await json(['incident', 'show', created.id]);
    expect(shown.comments).toMatchObject([
      { body: 'Restarting the relay', visibility: 'internal', author: 'ops' },
      { body: 'We are on it', visibility: 'public' },
    ]);
    const table = await im(['incident', 'show', created.id]);
    expect(table.stdout).toMatch(/^title\s+Mail is down for everyone$/m);
    expect(table.stdout).toMatch(/internal\s+ops\s+hub\s+Restarting the relay/);
  });

  it('rejects bad incident input: flags with usage errors, values with the API\'s field errors', async () => {
    expect((await im(['incident', 'create', '--priority', 'P1'])).code).toBe(2);
    expect((await im(['incident', 'create', '--title', 'x', '--priority', 'P9'])).code).toBe(2);
    expect((await im(['incident', 'create', '--title', 'x', '--impact', 'high'])).code).toBe(2);
    const invalid = await im(['incident', 'create', '--title', 'x', '--impact', '7']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('Error: Invalid input (HTTP 400)');
    expect(invalid.stderr).toContain('  impact:');
    expect((await im(['incident', 'show', 'no-such-incident'])).code).toBe(1);
  });

  it('reports sync status, an empty dead letter queue and an empty inbox on a fresh integration', async () => {
    const status = await json(['integration', 'sync-status', 'snow']);
    expect(status).toMatchObject({ links: { pending: 0, synced: 0, error: 0, conflict: 0, dead_letter: 0 }, outbox_depth: 0, inbox_depth: 0, dead_letters: 0, pending_conflicts: 0, last_error: null });
    expect(status).toMatchObject({ inbound_errors: 0, last_inbound_error: null, rate_limited: null, health: 'healthy' });
    const table = (await im(['integration', 'sync-status', 'snow'])).stdout;
    expect(table).toMatch(/^links\.synced\s+0$/m);
    expect(table).toMatch(/^rate_limited\s+no$/m);
    expect(await json(['integration', 'dlq', 'snow', '--limit', '10', '--offset', '0'])).toEqual({ items: [], total: 0 });
    expect((await im(['integration', 'dlq', 'snow'])).stdout).toBe('(none)\n');
    const retry = await im(['integration', 'dlq-retry', 'snow', 'no-such-entry']);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain("Dead letter entry 'no-such-entry' was not found");
    expect((await im(['integration', 'dlq-discard', 'snow', 'no-such-entry'])).code).toBe(1);
    expect(await json(['integration', 'inbox', 'snow', '--state', 'failed'])).toEqual({ items: [], total: 0 });
    expect((await im(['integration', 'inbox', 'snow'])).stdout).toBe('(none)\n');
    const inboxRetry = await im(['integration', 'inbox-retry', 'snow', '12345']);
    expect(inboxRetry.code).toBe(1);
    expect(inboxRetry.stderr).toContain("Inbox entry '12345' was not found");
    expect((await im(['integration', 'inbox-discard', 'snow', '12345'])).code).toBe(1);
  });

  it('gets and sets field mappings from a file', async () => {
    const defaults = await json(['integration', 'mappings', 'get', 'snow']);
    expect(defaults.source).toBe('default');
    expect(defaults.mappings.length).toBeGreaterThan(1);

    const custom = [{ field: 'title', external_field: 'short_description', direction: 'bidirectional' }];
    expect((await im(['integration', 'mappings', 'set', 'snow', '--file', file('bare.json', JSON.stringify(custom))])).code).toBe(0);
    expect(await json(['integration', 'mappings', 'get', 'snow'])).toEqual({ kind: 'incident', source: 'custom', mappings: custom });
    expect((await im(['integration', 'mappings', 'get', 'snow'])).stdout).toMatch(/^Source: custom\nFIELD\s+EXTERNAL_FIELD\s+DIRECTION/);

    const restored = await json(['integration', 'mappings', 'set', 'snow', '--file', file('object.json', JSON.stringify({ mappings: [] }))]);
    expect(restored.source).toBe('default');

    const rejected = await im(['integration', 'mappings', 'set', 'snow', '--file', file('unknown-field.json', JSON.stringify([{ ...custom[0], field: 'colour' }]))]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('mappings.0.field');
  });

  it('exits 2 naming the file when the mappings file is unusable', async () => {
    const broken = file('broken.json', '{"mappings": [');
    const invalid = await im(['integration', 'mappings', 'set', 'snow', '--file', broken]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`mappings file '${broken}' is not valid JSON`);
    const missing = path.join(workDir, 'missing.json');
    const unreadable = await im(['integration', 'mappings', 'set', 'snow', '--file', missing]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(`cannot read mappings file '${missing}'`);
    expect((await im(['integration', 'mappings', 'set', 'snow'])).code).toBe(2);
  });

  it('lists no conflicts, and resolve needs exactly one resolution flag', async () => {
    expect(await json(['conflict', 'list', '--integration', 'snow', '--status', 'pending'])).toEqual({ items: [], total: 0 });
    expect((await im(['conflict', 'list'])).stdout).toBe('(none)\n');
    const twoFlags = await im(['conflict', 'resolve', 'some-id', '--use-platform', '--ignore']);
    expect(twoFlags.code).toBe(2);
    expect(twoFlags.stderr).toContain('give exactly one of --use-platform, --use-external, --ignore');
    expect((await im(['conflict', 'resolve', 'some-id'])).code).toBe(2);
    expect((await im(['conflict', 'list', '--status', 'open'])).code).toBe(2);
    const missing = await im(['conflict', 'resolve', 'no-such-conflict', '--use-external']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Conflict 'no-such-conflict' was not found");
    expect((await im(['conflict', 'show', 'no-such-conflict'])).code).toBe(1);
  });

  it('refuses to link an incident to a record the platform does not have', async () => {
    const incident = await json(['incident', 'create', '--title', 'Link me']);
    const linked = await im(['incident', 'link', incident.id, '--integration', 'snow', '--external-id', 'does-not-exist']);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain("Error: Not found (HTTP 404): snow incident 'does-not-exist' was not found.");
    expect(await json(['incident', 'links', incident.id])).toEqual([]);
    expect((await im(['incident', 'unlink', incident.id, '--integration', 'snow'])).code).toBe(1);
    expect((await im(['incident', 'link', incident.id, '--integration', 'snow'])).code).toBe(2);
  });

  it('deletes an integration with --force', async () => {
    const deleted = await im(['integration', 'delete', 'snow', '--force']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted integration snow\n' });
    expect((await im(['integration', 'get', 'snow'])).code).toBe(1);
  });
});
