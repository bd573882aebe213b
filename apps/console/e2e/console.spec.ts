import { expect, test } from '@playwright/test';
import path from 'node:path';
import { api, expectAccessible, hubUrl, SCREENSHOTS, signIn, snowUrl, watchPage } from './hub';

test.describe.configure({ mode: 'serial' });

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
  await page.getByRole('link', { name: 'New integration' }).click();
  await page.getByLabel('Platform').selectOption({ label: 'ServiceNow' });
  await page.getByRole('textbox', { name: /^Name/ }).fill('snow-console');
  await page.getByRole('textbox', { name: /^Base URL/ }).fill(snowUrl());
  await page.getByRole('textbox', { name: /^username/ }).fill('admin');
  // Secrets are password inputs: what is typed is never shown.
  const password = page.getByLabel(/^password/);
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill('admin');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create integration' }).click();
  await expect(page.getByRole('heading', { name: 'snow-console', level: 1 })).toBeVisible();
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
  await page.getByRole('link', { name: 'New integration' }).click();
  await page.getByLabel('Platform').selectOption({ label: 'ServiceNow' });
  await page.getByRole('textbox', { name: /^Name/ }).fill('snow-console');
  await page.getByRole('textbox', { name: /^Base URL/ }).fill(snowUrl());
  await page.getByRole('textbox', { name: /^username/ }).fill('admin');
  await page.getByLabel(/^password/).fill('admin');
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
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  clean();
});
