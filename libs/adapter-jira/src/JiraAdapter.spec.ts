import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { createJiraAdapter } from './JiraAdapter';
import { startEmulator, type JiraEmulatorHandle } from './emulator';

const NOW = new Date('2026-01-12T10:00:00.000Z');

describe('JiraAdapter.testConnection', () => {
  let jira: JiraEmulatorHandle;

  beforeAll(async () => {
    jira = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await jira.close();
  });
  afterEach(async () => {
    jira.state.withheldPermissions.clear();
    await fetch(`${jira.url}/_emulator/faults`, { method: 'DELETE' });
  });

  const adapter = (overrides: { credentials?: Record<string, unknown>; settings?: Record<string, unknown>; baseUrl?: string } = {}) =>
    createJiraAdapter(
      createTestAdapterContext({
        baseUrl: overrides.baseUrl ?? jira.url,
        credentials: overrides.credentials ?? jira.credentials,
        settings: overrides.settings ?? { project_key: 'OPS' },
      }),
    );

  it('passes reachability, authentication and both permission checks', async () => {
    const checks = await adapter().testConnection();
    expect(checks.map((c) => [c.name, c.passed, c.status])).toEqual([
      ['reachability', true, 200],
      ['authentication', true, 200],
      ['permission:issues', true, 200],
      ['project', true, 200],
      ['permission:users', true, 200],
    ]);
    expect(checks[1].message).toBe('Authenticated as Jira Admin (712020:5f0c1a52-0d4e-4c4f-9a1e-3f6a0c8b7d21)');
    expect(checks[2].message).toBe('Can browse, create, edit and transition issues in project OPS');
    expect(checks[3].message).toBe("Project OPS (Operations) takes 'Incident' issues");
  });

  it('checks issue permissions across projects when no project is configured', async () => {
    const checks = await adapter({ settings: {} }).testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:issues', passed: true, message: 'Can browse, create, edit and transition issues in any project' });
    expect(checks.map((c) => c.name)).not.toContain('project');
  });

  it('stops at a failed authentication and carries Jira’s message', async () => {
    const checks = await adapter({ credentials: { ...jira.credentials, api_key: 'wrong-token' } }).testConnection();
    expect(checks).toEqual([
      expect.objectContaining({ name: 'reachability', passed: true, status: 401 }),
      expect.objectContaining({ name: 'authentication', passed: false, status: 401, message: 'Client must be authenticated to access this resource.' }),
    ]);
  });

  it('reports an unreachable host as a failed reachability check', async () => {
    const port = await closedPort();
    const checks = await adapter({ baseUrl: `http://127.0.0.1:${port}` }).testConnection();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'reachability', passed: false, message: `Connection refused by http://127.0.0.1:${port}` });
    expect(checks[0].status).toBeUndefined();
  });

  it('names the issue permissions the account lacks', async () => {
    jira.state.withheldPermissions.add('EDIT_ISSUES').add('TRANSITION_ISSUES');
    const checks = await adapter().testConnection();
    expect(checks[2]).toEqual(
      expect.objectContaining({
        name: 'permission:issues',
        passed: false,
        status: 200,
        message: 'Missing Jira permissions in project OPS: Edit Issues (EDIT_ISSUES), Transition Issues (TRANSITION_ISSUES)',
      }),
    );
    expect(checks[4]).toMatchObject({ name: 'permission:users', passed: true });
  });

  it('fails the project check with Jira’s message when the project is unknown', async () => {
    const checks = await adapter({ settings: { project_key: 'NOPE' } }).testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:issues', passed: false, status: 404, message: "No project could be found with key 'NOPE'." });
    expect(checks[3]).toMatchObject({
      name: 'project', passed: false, status: 404,
      message: "Project NOPE does not exist or this account cannot browse it (settings.project_key): No project could be found with key 'NOPE'.",
    });
  });

  it('fails the project check when the project has no issue type of that name, naming the ones it has', async () => {
    const checks = await adapter({ settings: { project_key: 'OPS', issue_type: 'Bug' } }).testConnection();
    expect(checks[3]).toMatchObject({ name: 'project', passed: false, status: 200, message: "Project OPS has no issue type 'Bug' (settings.issue_type); its issue types: Incident" });
  });

  it('fails the users check when user search finds nobody (no Browse users and groups)', async () => {
    jira.state.withheldPermissions.add('USER_PICKER');
    const checks = await adapter().testConnection();
    expect(checks[4]).toMatchObject({ name: 'permission:users', passed: false, status: 200 });
    expect(checks[4].message).toMatch(/needs the 'Browse users and groups' global permission/);
  });

  it('reports a malformed body as a failed check instead of crashing', async () => {
    jira.emulator.injectFault({ pathPrefix: '/rest/api/3/myself', status: 200, body: { accountId: 42 } });
    const checks = await adapter().testConnection();
    expect(checks[1]).toMatchObject({ name: 'authentication', passed: false, status: 200 });
    expect(checks[1].message).toMatch(/^Jira answered GET \/rest\/api\/3\/myself with an unexpected body: accountId: /);
  });

  it('reports a server error that outlasts the retries with the vendor message', async () => {
    jira.emulator.injectFault({ pathPrefix: '/rest/api/3/mypermissions', status: 500, count: 3, body: { errorMessages: ['Internal server error'], errors: {} } });
    const checks = await adapter().testConnection();
    expect(checks[2]).toMatchObject({ name: 'permission:issues', passed: false, status: 500, message: 'Internal server error' });
  });
});

describe('createJiraAdapter', () => {
  it('refuses invalid configuration with field errors', () => {
    const context = createTestAdapterContext({ baseUrl: 'http://127.0.0.1:1', credentials: { email: 'nope' }, settings: { unknown: 1 } });
    const error = captureError(() => createJiraAdapter(context));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).errors.map((e) => e.field)).toEqual(['credentials.email', 'credentials.api_key', 'settings']);
  });
});

describe('JiraAdapter.classifyError', () => {
  const adapter = createJiraAdapter(
    createTestAdapterContext({ baseUrl: 'http://127.0.0.1:1', credentials: { email: 'a@example.com', api_key: 't' }, clock: { now: () => NOW } }),
  );
  const response = (status: number, body: unknown, headers: Record<string, string> = {}) => adapter.classifyError({ type: 'response', status, headers, body });
  const collection = (...errorMessages: string[]) => ({ errorMessages, errors: {} });

  it('rate limits a 429 with Retry-After in seconds', () => {
    expect(response(429, collection('Rate limit exceeded.'), { 'retry-after': '7' })).toEqual({
      action: 'rate_limited',
      kind: 'transient',
      retryAfterMs: 7000,
      message: 'Rate limit exceeded.',
    });
  });

  it('reads Retry-After as an HTTP date against the injected clock', () => {
    expect(response(429, '', { 'retry-after': 'Mon, 12 Jan 2026 10:00:30 GMT' })).toMatchObject({ action: 'rate_limited', retryAfterMs: 30_000 });
    expect(response(429, '', { 'retry-after': 'soon' }).retryAfterMs).toBeUndefined();
  });

  it('retries 5xx (with Retry-After when a 503 carries one) and transport failures', () => {
    expect(response(500, collection('Internal server error'))).toEqual({ action: 'retry', kind: 'transient', message: 'Internal server error' });
    expect(response(503, '<html><title>Service Unavailable</title></html>', { 'retry-after': '2' })).toEqual({
      action: 'retry',
      kind: 'transient',
      retryAfterMs: 2000,
      message: 'Service Unavailable',
    });
    expect(adapter.classifyError({ type: 'transport', error: new Error('Connection refused by http://jira') })).toEqual({
      action: 'retry',
      kind: 'transient',
      message: 'Connection refused by http://jira',
    });
  });

  it('fails 401 and 403 as configuration problems (API tokens cannot be refreshed)', () => {
    expect(response(401, 'Client must be authenticated to access this resource.')).toEqual({
      action: 'fail',
      kind: 'config',
      message: 'Client must be authenticated to access this resource.',
    });
    expect(response(401, { message: 'Unauthorized; scope does not match', 'status-code': 401 })).toMatchObject({ message: 'Unauthorized; scope does not match' });
    expect(response(403, collection('You do not have permission to edit issues in this project.'))).toMatchObject({ action: 'fail', kind: 'config' });
  });

  it.each([400, 404, 409, 413, 422])('fails %i as a user error with errorMessages and field errors', (status) => {
    expect(response(status, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: { summary: 'You must specify a summary of the issue.' } })).toEqual({
      action: 'fail',
      kind: 'user',
      message: 'Issue does not exist or you do not have permission to see it.; summary: You must specify a summary of the issue.',
    });
  });

  it('falls back to the status when the body says nothing', () => {
    expect(response(404, undefined)).toEqual({ action: 'fail', kind: 'user', message: 'Jira answered HTTP 404 without an error message' });
    expect(response(400, collection())).toMatchObject({ message: 'Jira answered HTTP 400 without an error message' });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
