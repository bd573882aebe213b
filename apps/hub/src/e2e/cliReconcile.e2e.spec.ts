import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator as startServiceNow, type ServiceNowEmulatorHandle } from '@itsm-hub/adapter-servicenow/emulator';
import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { imInProcess as im } from './imInProcess';
import { eventually, platformCall, settled } from './syncHelpers';

/** `im integration reconcile` (seed 000) and `im run`, against a ServiceNow emulator whose webhooks the hub never hears. */
describe('im CLI: reconcile, its history and schedule, and runs', () => {
  let t: TestHub;
  let snow: ServiceNowEmulatorHandle;
  const workDir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-cli-reconcile-'));
  const savedEnv = { ...process.env };
  const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  const json = async (args: string[]) => {
    const result = await im([...args, '--format', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    [t, snow] = await Promise.all([startTestHub(), startServiceNow()]);
    Object.assign(process.env, { XDG_CONFIG_HOME: workDir, HUB_URL: t.hub.url, HUB_TOKEN: ADMIN_TOKEN });
    expect((await im(['integration', 'configure', '--name', 'snow', '--type', 'servicenow', '--base-url', snow.url, '--username', 'admin', '--password', 'admin'])).code).toBe(0);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await snow?.close();
    await t?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('reports drift grouped by identical change, keeps the plan, exports it as CSV and applies it', async () => {
    const ids: string[] = [];
    for (const title of ['VPN flapping', 'DNS slow', 'Wiki down']) ids.push((await t.api('POST', '/api/v1/incidents', { title, priority: 'P3' })).body.id);
    const linkOf = async (id: string) => (await t.api('GET', `/api/v1/incidents/${id}/links`)).body.links[0];
    for (const id of ids) await eventually(() => linkOf(id), (l) => l?.sync_status === 'synced', 'the ServiceNow copy');
    const integration = (await t.api('GET', '/api/v1/integrations/snow')).body.id;
    await settled(t, integration);
    // Two records get the same change on the platform; the report shows it once.
    for (const id of ids.slice(0, 2)) await platformCall(snow.url, 'PATCH', `/api/now/table/incident/${(await linkOf(id)).external_id}`, basic, { impact: '1', urgency: '1' });

    const report = await im(['integration', 'reconcile', 'snow', '--dry-run', '--detailed-exitcode']);
    expect(report.code).toBe(2);
    expect(report.stdout).toMatch(/^Run [0-9a-f-]{36} succeeded \(dry run: nothing changed; apply with im run apply\): \d+ checked, \d+ discrepancies, 0 healed/);
    expect(report.stdout).toContain('priority: 2 records, hub P3 / servicenow 1');
    expect(report.stdout).not.toContain('Reconciling |');

    const history = await json(['integration', 'reconcile', 'history', 'snow']);
    const plan = history.runs[0];
    expect(plan).toMatchObject({ dry_run: true, trigger: 'manual', status: 'succeeded', counts: expect.objectContaining({ field_drift: 2 }) });
    const listed = await json(['run', 'list', '--integration', 'snow', '--type', 'reconcile']);
    expect(listed.items.map((r: { id: string }) => r.id)).toEqual([plan.id]);
    const shown = await im(['run', 'show', plan.id.slice(0, 8), '--category', 'field_drift']);
    expect(shown.stdout).toContain('counts.field_drift');
    expect(shown.stdout).toMatch(/priority: P3 \/ 1 \(pull\)/);

    const exported = await im(['run', 'export', plan.id, '--part', 'items']);
    const rows: Array<Record<string, string>> = parse(exported.stdout, { columns: true });
    // Raising impact and urgency there raised ServiceNow's priority: all three come in, one row per field.
    const drifted = rows.filter((r) => r.category === 'field_drift');
    expect(new Set(drifted.map((r) => r.record_id)).size).toBe(2);
    expect(drifted.filter((r) => r.external_field === 'priority').map((r) => [r.hub_value, r.external_value, r.field_action, r.reason])).toEqual([
      ['P3', '1', 'pull', 'changed on the platform since the last sync'], ['P3', '1', 'pull', 'changed on the platform since the last sync'],
    ]);
    expect(drifted.filter((r) => r.external_field === 'impact').map((r) => [r.hub_value, r.external_value, r.field_action])).toEqual([['2', '1', 'pull'], ['2', '1', 'pull']]);
    const errors = await im(['run', 'export', plan.id, '--part', 'errors']);
    expect(errors.stdout.split('\n')[0]).toBe('run_id,record_kind,record_id,external_id,external_number,category,action,outcome,severity,message');
    // Findings are data, not errors: nothing failed, went stale or was refused, so the errors part is its header alone.
    expect(parse(errors.stdout, { columns: true })).toEqual([]);
    const all: Array<Record<string, string>> = parse((await im(['run', 'export', plan.id, '--part', 'all'])).stdout, { columns: true });
    expect(all.length).toBe(rows.length);
    expect(Object.keys(all[0])).toEqual([...Object.keys(rows[0]), 'severity', 'message']);

    const applied = await im(['run', 'apply', plan.id.slice(0, 8)]);
    expect(applied).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied run .*: \d+ healed, 0 stale/) });
    await eventually(async () => (await t.api('GET', `/api/v1/incidents/${ids[0]}`)).body.priority, (p) => p === 'P1', 'the pulled priority');
    const again = await im(['run', 'apply', plan.id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('was applied at');

    expect(await json(['integration', 'reconcile', 'schedule', 'snow', '--cron', '0 3 * * *', '--auto-heal'])).toMatchObject({ cron: '0 3 * * *', timezone: 'UTC', auto_heal: true, next_run_at: expect.stringMatching(/T03:00:00.000Z$/) });
    const bad = await im(['integration', 'reconcile', 'schedule', 'snow', '--cron', '0 3 * *', '--timezone', 'Mars/Olympus']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('cron');
    expect((await im(['integration', 'reconcile', 'schedule', 'snow', '--remove'])).stdout).toContain('Removed the reconciliation schedule of snow');
    expect((await im(['integration', 'reconcile', 'schedule', 'snow'])).code).not.toBe(0);
  });
});
