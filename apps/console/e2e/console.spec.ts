import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { ADMIN_TOKEN, api, expectAccessible, hubUrl, linkOf, SCREENSHOTS, settled, signIn, snow, snowUrl, watchPage } from './hub';

test.describe.configure({ mode: 'serial' });

/** The new-integration form, filled for the emulator as a user would. */
async function fillServiceNowForm(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'New integration' }).click();
  await page.getByLabel('Platform').selectOption({ label: 'ServiceNow' });
  await page.getByRole('textbox', { name: /^Name/ }).fill('snow-console');
  await page.getByRole('textbox', { name: /^Base URL/ }).fill(snowUrl());
  await page.getByRole('textbox', { name: /^Username/ }).fill('admin');
  await page.getByLabel(/^Password/).fill('admin');
}

test('sign in with an API token; a wrong one is refused with the hub\'s message', async ({ page }) => {
  const clean = watchPage(page);
  await page.goto(`${hubUrl()}/`);
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectAccessible(page);
  await page.getByLabel('API token').fill('ihub_not-a-token-of-this-hub-000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/token/i);
  await signIn(page);
  // The token stays in the browser session, never in the address.
  expect(page.url()).not.toContain('ihub_');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
  await expectAccessible(page);
  clean();
});

test('create a ServiceNow integration through the form its manifest generates, and test its connection', async ({ page }) => {
  const clean = watchPage(page);
  await signIn(page);
  await fillServiceNowForm(page);
  // Secrets are password inputs: what is typed is never shown.
  await expect(page.getByLabel(/^Password/)).toHaveAttribute('type', 'password');
  // The adapter's settings for new integrations, not the schema's older defaults.
  await expect(page.getByRole('checkbox', { name: /^Require signed timestamp/ })).toBeChecked();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create integration' }).click();
  await expect(page.getByRole('heading', { name: 'snow-console', level: 1 })).toBeVisible();
  const created = (await api<{ integrations: Array<{ name: string; settings: Record<string, unknown> }> }>('GET', '/api/v1/integrations')).integrations.find((i) => i.name === 'snow-console');
  expect(created?.settings.require_signed_timestamp).toBe(true);
  await expect(page.getByLabel('Webhook URL for the platform to call')).toHaveValue(/\/api\/v1\/webhooks\//);
  await expect(page.getByRole('heading', { name: 'Setting the platform up' })).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('heading', { name: 'Connection test: passed' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Integrations' }).click();
  const tile = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'snow-console' }) });
  await expect(tile).toContainText('servicenow');
  await expect(tile).toContainText('Healthy');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations.png'), fullPage: true });
  clean();
});

test('a bad form answer names the field and creates nothing', async ({ page }) => {
  const clean = watchPage(page);
  await signIn(page);
  await fillServiceNowForm(page);
  await page.getByRole('button', { name: 'Create integration' }).click();
  // The name is taken: the hub's problem is shown as it answered it.
  await expect(page.getByRole('alert')).toContainText('snow-console');
  const { integrations } = await api<{ integrations: Array<{ name: string }> }>('GET', '/api/v1/integrations');
  expect(integrations.filter((i) => i.name === 'snow-console')).toHaveLength(1);
  clean();
});

test('create an incident and see its ServiceNow ticket number appear', async ({ page }) => {
  const clean = watchPage(page);
  await signIn(page);
  await page.getByRole('link', { name: 'Incidents' }).click();
  await page.getByText('New incident').click();
  const form = page.getByRole('form', { name: 'New incident' });
  await form.getByLabel('Title').fill('Mail relay is down');
  await form.getByLabel('Priority').selectOption('P2');
  await form.getByRole('button', { name: 'Create incident' }).click();
  await expect(page.getByRole('heading', { name: 'Mail relay is down', level: 1 })).toBeVisible();
  const link = page.getByRole('list', { name: 'Platform records' }).getByRole('listitem');
  await expect(link).toContainText('snow-console');
  await expect(link).toContainText(/INC\d{7}/);
  await expect(link).toContainText('synced');
  await expectAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'incident.png'), fullPage: true });
  await page.getByRole('link', { name: 'Incidents' }).click();
  const filters = page.getByRole('form', { name: 'Filter incidents' });
  await filters.getByLabel('Priority').selectOption('P2');
  await expect(page.getByRole('link', { name: 'Mail relay is down' })).toBeVisible();
  await filters.getByLabel('Status').selectOption('closed');
  await expect(page.getByRole('link', { name: 'Mail relay is down' })).toHaveCount(0);
  await expectAccessible(page);
  clean();
});

test('a member token gets read-only views', async ({ page }) => {
  const clean = watchPage(page);
  const me = await api<{ organization_id: string }>('GET', '/api/v1/me');
  const { token } = await api<{ token: string }>('POST', `/api/v1/organizations/${me.organization_id}/tokens`, { name: 'console-viewer', role: 'member' });
  await signIn(page, token);
  await expect(page.getByText('member (read-only)')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'snow-console' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New integration' })).toHaveCount(0);
  await expectAccessible(page);
  await page.goto(`${hubUrl()}/no/such/page`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  clean();
});

test('resolve a conflict side by side: the hub\'s value wins on the platform', async ({ page }) => {
  const clean = watchPage(page);
  const { integrations } = await api<{ integrations: Array<{ id: string; name: string }> }>('GET', '/api/v1/integrations');
  // From here on one integration at a time, so each incident has one platform record.
  for (const i of integrations) await api('DELETE', `/api/v1/integrations/${i.id}?force=true`);
  const secret = 'console-review-secret';
  const review = await api('POST', '/api/v1/integrations', {
    name: 'snow-review', type: 'servicenow', base_url: snowUrl(), credentials: { username: 'admin', password: 'admin' }, direction: 'bidirectional',
    webhook_secret: secret, conflict_strategy: 'manual-review',
  });
  await snow('POST', '/_emulator/webhooks', { url: `${hubUrl()}/api/v1/webhooks/${review.id}`, secret });
  const incident = await api('POST', '/api/v1/incidents', { title: 'Original title' });
  const link = await linkOf(incident.id);
  await settled(review.id);
  // Both sides change the title before either hears of the other's change.
  await api('PATCH', `/api/v1/integrations/${review.id}`, { direction: 'inbound' });
  await api('PATCH', `/api/v1/incidents/${incident.id}`, { title: 'Title from the hub' });
  await snow('PATCH', `/api/now/table/incident/${link.external_id}`, { short_description: 'Title from ServiceNow' });
  await expect.poll(async () => (await api('GET', `/api/v1/conflicts?incident=${incident.id}&status=pending`)).total, { timeout: 20_000 }).toBe(1);
  await api('PATCH', `/api/v1/integrations/${review.id}`, { direction: 'bidirectional' });

  await signIn(page);
  await page.getByRole('link', { name: 'Conflicts' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^title/ }) });
  await expect(row.getByRole('cell').nth(0)).toHaveText('Original title');
  await expect(row.getByRole('cell').nth(1)).toHaveText('Title from the hub');
  await expect(row.getByRole('cell').nth(2)).toHaveText('Title from ServiceNow');
  await expectAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'conflict.png'), fullPage: true });
  await row.getByRole('button', { name: 'Use hub' }).click();
  await expect(page.getByText('No pending conflict.')).toBeVisible();
  await expect.poll(async () => (await snow('GET', `/api/now/table/incident/${link.external_id}?sysparm_fields=short_description`)).result.short_description, { timeout: 20_000 }).toBe('Title from the hub');
  await page.getByLabel('Show').selectOption('resolved');
  await expect(page.getByRole('row').filter({ hasText: 'use_platform' })).toBeVisible();
  await snow('DELETE', '/_emulator/webhooks');
  clean();
});

test('retry a dead letter once the platform takes the change again', async ({ page }) => {
  const clean = watchPage(page);
  // ServiceNow refuses every incident call with a 400: a change that cannot succeed as it is, so it is dead-lettered.
  await snow('POST', '/_emulator/faults', { error_rate: 1, error_status: 400, path_prefix: '/api/now/table/incident' });
  const incident = await api('POST', '/api/v1/incidents', { title: 'Refused at first' });
  const { integrations } = await api<{ integrations: Array<{ id: string; name: string }> }>('GET', '/api/v1/integrations');
  const review = integrations.find((i) => i.name === 'snow-review') as { id: string };
  await expect.poll(async () => (await api('GET', `/api/v1/integrations/${review.id}/dead-letter-queue`)).total, { timeout: 20_000 }).toBe(1);
  await signIn(page);
  await expect(page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'snow-review' }) })).toContainText('Failing');
  await page.getByRole('link', { name: 'snow-review' }).click();
  const dead = page.getByRole('region', { name: 'Dead letters' });
  await expect(dead.getByRole('row').filter({ hasText: incident.id.slice(0, 8) })).toContainText('400');
  await expectAccessible(page);
  await snow('DELETE', '/_emulator/faults');
  await dead.getByRole('button', { name: 'Retry' }).click();
  await expect(dead.getByText('None: every change went out.')).toBeVisible();
  await expect.poll(async () => (await api('GET', `/api/v1/incidents/${incident.id}/links`)).links[0]?.sync_status, { timeout: 20_000 }).toBe('synced');
  const links = page.getByRole('region', { name: 'Linked records' });
  await links.getByLabel('State').selectOption('synced');
  await expect(links.getByRole('row').filter({ hasText: incident.id.slice(0, 8) })).toContainText(/INC\d{7}/);
  clean();
});

test('create an alert mapping, send a test alert through it and see its ticket; acknowledge an alert', async ({ page }) => {
  const clean = watchPage(page);
  await signIn(page);
  await page.getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('link', { name: 'Alert mappings' }).click();
  const form = page.getByRole('region', { name: 'New alert mapping' });
  await form.getByRole('textbox', { name: /^Name/ }).fill('console-cpu');
  await form.getByRole('textbox', { name: /^Alert type/ }).fill('CPUUsage');
  await form.getByRole('textbox', { name: /^Integrations-1/ }).fill('snow-review');
  await expectAccessible(page);
  await form.getByRole('button', { name: 'Create mapping' }).click();
  const tile = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'console-cpu' }) });
  await expect(tile).toContainText('snow-review');
  await tile.getByRole('button', { name: 'Send test alert' }).click();
  const tickets = tile.getByRole('list', { name: /^Tickets of Test alert for mapping console-cpu/ });
  await expect(tickets).toContainText(/snow-review: INC\d{7}/);
  await expect(tickets).toContainText('synced');
  await expectAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-mapping.png'), fullPage: true });

  // An alert as Alertmanager sends it, then acknowledged from the console: its ticket follows.
  await api('POST', '/api/v1/alerts/alertmanager', {
    version: '4', groupKey: '{}:{alertname="CPUUsage"}', truncatedAlerts: 0, status: 'firing', receiver: 'itsm-hub', groupLabels: { alertname: 'CPUUsage' },
    commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
    alerts: [{ status: 'firing', labels: { alertname: 'CPUUsage', instance: 'web-7', severity: 'critical' }, annotations: { summary: 'CPU high on web-7' },
      startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus.example:9090/graph', fingerprint: 'console-fp-1' }],
  });
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'CPU high on web-7' });
  await expect(row.getByRole('list', { name: 'Tickets of CPU high on web-7' })).toContainText(/INC\d{7}/);
  await expectAccessible(page);
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row.getByRole('cell').nth(1)).toHaveText('acknowledged');
  const [alert] = (await api('GET', '/api/v1/alerts?dedup_key=fp:console-fp-1')).items;
  await expect.poll(async () => (await snow('GET', `/api/now/table/incident/${alert.tickets[0].external_id}?sysparm_fields=state`)).result.state, { timeout: 20_000 }).not.toBe('1');
  clean();
});

test('run a dry-run reconciliation, see the plan grouped by identical drift, apply it; runs, CSV export and the schedule', async ({ page }) => {
  const clean = watchPage(page);
  const { integrations } = await api<{ integrations: Array<{ id: string; name: string }> }>('GET', '/api/v1/integrations');
  const review = integrations.find((i) => i.name === 'snow-review') as { id: string };
  const ids: string[] = [];
  for (let n = 0; n < 3; n += 1) ids.push((await api('POST', '/api/v1/incidents', { title: 'Printer offline' })).id);
  // The same change on ServiceNow for all three, which the hub does not hear of (no webhook): drift.
  for (const id of ids) await snow('PATCH', `/api/now/table/incident/${(await linkOf(id)).external_id}`, { short_description: 'Printer offline (floor 2)' });
  await settled(review.id);

  await signIn(page);
  await page.getByRole('link', { name: 'snow-review' }).click();
  await page.getByRole('link', { name: 'Reconciliation' }).click();
  await page.getByRole('button', { name: 'Run a dry run' }).click();
  const plan = page.locator('section.run');
  await expect(plan.getByRole('heading', { level: 2 })).toContainText(/Plan \w+: succeeded/);
  const group = plan.locator('details').filter({ hasText: 'Printer offline (floor 2)' });
  await expect(group.locator('summary')).toContainText('Fields differ');
  await expect(group.locator('summary')).toContainText('(3 records)');
  await expectAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'reconciliation-plan.png'), fullPage: true });
  await plan.getByRole('button', { name: 'Apply plan' }).click();
  await expect(plan.getByRole('heading', { level: 2 })).toContainText('applied');
  for (const id of ids) await expect.poll(async () => (await api('GET', `/api/v1/incidents/${id}`)).title).toBe('Printer offline (floor 2)');
  await expect(page.getByRole('region', { name: 'History' }).getByRole('row').filter({ hasText: 'plan, applied' })).toHaveCount(1);

  const schedule = page.getByRole('form', { name: 'Set the schedule' });
  await schedule.getByLabel(/^Cron/).fill('0 4 * * *');
  await schedule.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByRole('region', { name: 'Schedule' })).toContainText('0 4 * * *');
  await page.getByRole('button', { name: 'Remove schedule' }).click();
  await expect(page.getByRole('region', { name: 'Schedule' })).toContainText('Not scheduled.');

  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('form', { name: 'Filter runs' }).getByLabel('Integration').selectOption({ label: 'snow-review' });
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Show run/ }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export items (CSV)' }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^run-.+-items\.csv$/);
  clean();
});

test("an integration's page: its last 24 hours, editing it with secrets kept, field mappings with the differing-records notice, ownership", async ({ page }) => {
  const clean = watchPage(page);
  await signIn(page);
  await page.getByRole('link', { name: 'snow-review' }).click();
  await expect(page.getByRole('img', { name: /^Records written and errors per hour/ })).toBeVisible();
  await expect(page.locator('figcaption')).toContainText(/[1-9]\d* records written/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'integration.png'), fullPage: true });

  await page.getByRole('button', { name: 'Edit integration' }).click();
  await expect(page.getByRole('textbox', { name: /^Name/ })).toHaveValue('snow-review');
  // Secrets are write-only: no field shows them; new ones are added only on purpose.
  await expect(page.getByLabel(/^Password/)).toHaveCount(0);
  await expect(page.getByRole('group', { name: /^New credentials/ }).getByRole('button', { name: 'Add', exact: true })).toBeVisible();
  await page.getByRole('spinbutton', { name: /^Rate limit per minute/ }).fill('5000');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByRole('button', { name: 'Edit integration' })).toBeVisible();
  const { integrations } = await api<{ integrations: Array<{ name: string; rate_limit_per_minute: number | null }> }>('GET', '/api/v1/integrations');
  expect(integrations.find((i) => i.name === 'snow-review')?.rate_limit_per_minute).toBe(5000);
  // The stored password was kept: the connection still works.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('heading', { name: 'Connection test: passed' })).toBeVisible();

  const mappings = page.getByRole('region', { name: 'Field mappings' });
  // The description now goes where the title went: every linked record's platform value differs.
  const descriptionRow = mappings.getByRole('row').filter({ has: page.locator('input[value="description"]') }).first();
  await descriptionRow.getByRole('textbox', { name: /^Platform field/ }).fill('short_description');
  await mappings.getByRole('button', { name: 'Save mappings' }).click();
  await expect(mappings.getByRole('status')).toContainText(/Saved\. [1-9]\d* linked records differ under the new mappings/);
  await mappings.getByRole('button', { name: 'Restore defaults' }).click();
  await expect(mappings.getByText("The adapter's defaults.")).toBeVisible();

  const ownership = page.getByRole('region', { name: 'Field ownership' });
  const rule = ownership.getByRole('form', { name: "Set a field's owner" });
  await rule.getByLabel('Field').fill('priority');
  await rule.getByLabel('Priority').fill('10');
  await rule.getByRole('button', { name: 'Set owner' }).click();
  await expect(ownership.getByRole('row', { name: /^priority hub 10/ })).toBeVisible();
  await expectAccessible(page);
  await ownership.getByRole('button', { name: 'Remove the rule of priority' }).click();
  await expect(ownership.getByText('No rule: both sides may change every field.')).toBeVisible();
  clean();
});

test('works by keyboard alone: sign in, move between pages, open a record', async ({ page }) => {
  const clean = watchPage(page);
  await page.goto(`${hubUrl()}/sign-in`);
  await expect(page.getByLabel('API token')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('API token')).toBeFocused();
  await page.keyboard.type(ADMIN_TOKEN);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
  // The skip link comes first, then the main navigation.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  const incidents = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' });
  for (let n = 0; n < 10 && !(await incidents.evaluate((el) => el === document.activeElement)); n += 1) await page.keyboard.press('Tab');
  await expect(incidents).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Incidents', level: 1 })).toBeVisible();
  const first = page.getByRole('table').getByRole('link').first();
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'On the platforms' })).toBeVisible();
  clean();
});
