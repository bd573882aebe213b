import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import path from 'node:path';

export const ADMIN_TOKEN = 'ihub_console-e2e-admin-token-0123456789';
export const SCREENSHOTS = path.join(__dirname, '../test-results/screenshots');

export const hubUrl = () => process.env.HUB_URL as string;
export const snowUrl = () => process.env.SNOW_URL as string;

/** The hub's API, as a script would call it: for what a test sets up outside the browser. */
export async function api<T = any>(method: string, pathname: string, body?: unknown, token = ADMIN_TOKEN): Promise<T> {
  const res = await fetch(`${hubUrl()}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * Fails the test on anything the Content-Security-Policy refused or the page threw: a console
 * that only works with a looser policy would pass otherwise.
 */
export function watchPage(page: Page): () => void {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return () => expect(problems).toEqual([]);
}

export async function signIn(page: Page, token = ADMIN_TOKEN): Promise<void> {
  await page.goto(`${hubUrl()}/sign-in`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
}

export const SNOW_AUTH = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

/** The ServiceNow emulator's own API and its `/_emulator` controls, as the platform side of a test. */
export async function snow<T = any>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${snowUrl()}${pathname}`, {
    method,
    headers: { ...SNOW_AUTH, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ServiceNow emulator ${method} ${pathname} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Until the integration has nothing queued either way. */
export async function settled(integrationId: string): Promise<void> {
  await expect.poll(async () => {
    const s = await api('GET', `/api/v1/integrations/${integrationId}/sync-status`);
    return s.outbox_depth + s.inbox_depth;
  }, { timeout: 20_000 }).toBe(0);
}

export async function linkOf(incidentId: string): Promise<{ external_id: string; sync_status: string }> {
  let link: { external_id: string; sync_status: string } | undefined;
  await expect.poll(async () => {
    link = (await api('GET', `/api/v1/incidents/${incidentId}/links`)).links[0];
    return link?.sync_status;
  }, { timeout: 20_000 }).toBe('synced');
  return link as { external_id: string; sync_status: string };
}
