import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HttpRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { createJiraAdapter } from './JiraAdapter';
import { startEmulator, type JiraEmulatorHandle } from './emulator';
import { SEARCH_PARAMETERS } from './emulator/searchRoutes';

/**
 * Keeps the adapter and emulator honest against Atlassian's published OpenAPI file. The committed
 * extract (paths, query parameter names, schema property names) is what the checks use; when the full
 * spec is around (tools/vendor-specs, or JIRA_OPENAPI_SPEC) the extract is checked against it.
 */
interface SpecExtract {
  sha256: string;
  paths: Record<string, Record<string, { operationId: string; query: string[]; responses: string[]; body?: string }>>;
  schemas: Record<string, string[]>;
}

const extract = JSON.parse(readFileSync(resolve(__dirname, '__fixtures__/jira-openapi-extract.json'), 'utf8')) as SpecExtract;
const fullSpecPath = process.env.JIRA_OPENAPI_SPEC ?? resolve(__dirname, '../../../tools/vendor-specs/jira/swagger-v3.v3.json');

const templates = Object.keys(extract.paths).map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
const templateOf = (url: string) => templates.find((t) => t.pattern.test(url))?.path;
const operationOf = (call: HttpRequest) => extract.paths[templateOf(call.url) ?? '']?.[call.method.toLowerCase()];

describe('Jira OpenAPI conformance', () => {
  let jira: JiraEmulatorHandle;
  beforeAll(async () => {
    jira = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await jira.close();
  });

  (existsSync(fullSpecPath) ? it : it.skip)('extract matches the full published spec', () => {
    const { extract: derive } = require('./__fixtures__/extractJiraSpec') as { extract: (spec: unknown) => Omit<SpecExtract, 'sha256'> };
    const { sha256, source, ...committed } = extract as SpecExtract & { source: string };
    expect(derive(JSON.parse(readFileSync(fullSpecPath, 'utf8')))).toEqual(committed);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(source).toBe('swagger-v3.v3.json');
  });

  it('testConnection only calls documented operations with documented query parameters', async () => {
    const context = createTestAdapterContext({ baseUrl: jira.url, credentials: jira.credentials, settings: { project_key: 'OPS' } });
    const calls: HttpRequest[] = [];
    const http = context.http;
    context.http = { request: (req) => (calls.push(req), http.request(req)) };
    await createJiraAdapter(context).testConnection();

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /rest/api/3/myself',
      'GET /rest/api/3/mypermissions',
      'GET /rest/api/3/project/OPS',
      'GET /rest/api/3/user/search',
    ]);
    for (const call of calls) {
      const operation = operationOf(call);
      expect(operation).toBeDefined();
      const used = Object.entries(call.query ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
      expect(used.filter((name) => !operation!.query.includes(name))).toEqual([]);
    }
    expect(calls[1].query).toEqual({ permissions: 'BROWSE_PROJECTS,CREATE_ISSUES,EDIT_ISSUES,TRANSITION_ISSUES', projectKey: 'OPS' });
    expect(calls[3].query).toEqual({ query: 'admin@example.com', maxResults: 1 });
  });

  it('incident reads, writes and listings only call documented operations with documented parameters and body properties', async () => {
    const context = createTestAdapterContext({ baseUrl: jira.url, credentials: jira.credentials, settings: { project_key: 'OPS' } });
    const calls: HttpRequest[] = [];
    const http = context.http;
    context.http = { request: (req) => (calls.push(req), http.request(req)) };
    const adapter = createJiraAdapter(context);
    const [created] = await adapter.write([{ op: 'create', kind: 'incident', correlationId: 'spec-1', fields: { summary: 'Spec', description: 'a', priority: 'High', assignee: 'olivia.ops@example.com', status: 'Done' } }]);
    const id = created.ok ? created.record!.id : '';
    await adapter.write([
      { op: 'update', kind: 'incident', id, fields: { summary: 'Spec 2', assignee: 'pat.private@example.com', status: 'To Do' } },
      { op: 'comment', kind: 'incident', id, correlationId: 'c', body: 'note', visibility: 'internal' },
    ]);
    await adapter.read('incident', id);
    await adapter.find({ kind: 'incident', correlationId: 'spec-1' });
    await adapter.list({ kind: 'incident', cursor: '2026-01-01T00:00:00Z', pageSize: 1 });
    await createJiraAdapter({ ...context, settings: { project_key: 'OPS' } }).read('incident', id);

    const used = new Set<string>();
    for (const call of calls) {
      const template = templateOf(call.url);
      expect({ call: `${call.method} ${call.url}`, documented: template !== undefined }).toEqual({ call: `${call.method} ${call.url}`, documented: true });
      const operation = operationOf(call)!;
      expect(operation).toBeDefined();
      used.add(`${call.method} ${template}`);
      const params = Object.entries(call.query ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
      expect(params.filter((name) => !operation.query.includes(name))).toEqual([]);
      if (call.json !== undefined) {
        expect(operation.body).toBeDefined();
        expect(Object.keys(call.json as object).filter((k) => !extract.schemas[operation.body!].includes(k))).toEqual([]);
      }
    }
    expect([...used].sort()).toEqual([
      'GET /rest/api/3/issue/{issueIdOrKey}',
      'GET /rest/api/3/issue/{issueIdOrKey}/comment',
      'GET /rest/api/3/issue/{issueIdOrKey}/transitions',
      'GET /rest/api/3/myself',
      'GET /rest/api/3/search/jql',
      'GET /rest/api/3/user',
      'GET /rest/api/3/user/search',
      'POST /rest/api/3/issue',
      'POST /rest/api/3/issue/{issueIdOrKey}/comment',
      'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
      'PUT /rest/api/3/issue/{issueIdOrKey}',
    ]);
  });

  it('emulator search implements only documented GET parameters and POST body fields', () => {
    const search = extract.paths['/rest/api/3/search/jql'];
    expect(SEARCH_PARAMETERS.filter((name) => !search.get.query.includes(name))).toEqual([]);
    expect(SEARCH_PARAMETERS.filter((name) => !extract.schemas[search.post.body!].includes(name))).toEqual([]);
  });

  it('emulator issue, comment and transition answers only use properties the spec declares', async () => {
    const headers = { Authorization: `Basic ${Buffer.from(`${jira.credentials.email}:${jira.credentials.api_key}`).toString('base64')}` };
    const get = async (path: string) => (await fetch(`${jira.url}${path}`, { headers })).json() as Promise<any>;
    const undeclared = (body: object, schema: string) => Object.keys(body).filter((k) => !extract.schemas[schema].includes(k));
    expect(undeclared(await get('/rest/api/3/issue/OPS-1'), 'IssueBean')).toEqual([]);
    const transitions = await get('/rest/api/3/issue/OPS-1/transitions');
    expect(undeclared(transitions, 'Transitions')).toEqual([]);
    expect(transitions.transitions.flatMap((t: object) => undeclared(t, 'IssueTransition'))).toEqual([]);
    const comments = await get('/rest/api/3/issue/OPS-1/comment');
    expect(undeclared(comments, 'PageOfComments')).toEqual([]);
  });

  it('emulator responses only use properties the spec declares', async () => {
    const headers = { Authorization: `Basic ${Buffer.from(`${jira.credentials.email}:${jira.credentials.api_key}`).toString('base64')}` };
    const get = async (path: string) => (await fetch(`${jira.url}${path}`, { headers })).json() as Promise<object>;
    const undeclared = (body: object, schema: string) => Object.keys(body).filter((k) => !extract.schemas[schema].includes(k));

    expect(undeclared(await get('/rest/api/3/myself'), 'User')).toEqual([]);
    const users = (await get('/rest/api/3/user/search?query=admin')) as object[];
    expect(users.flatMap((u) => undeclared(u, 'User'))).toEqual([]);
    const permissions = (await get('/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS')) as { permissions: Record<string, object> };
    expect(undeclared(permissions, 'Permissions')).toEqual([]);
    expect(Object.values(permissions.permissions).flatMap((p) => undeclared(p, 'UserPermission'))).toEqual([]);
    const search = (await get('/rest/api/3/search/jql?jql=project%3DOPS&maxResults=1&fields=summary')) as { issues: object[] };
    expect(undeclared(search, 'SearchAndReconcileResults')).toEqual([]);
    expect(search.issues.flatMap((i) => undeclared(i, 'IssueBean'))).toEqual([]);
    const body = JSON.stringify({ jql: 'project = OPS', maxResults: 1, fields: ['summary'] });
    const posted = (await (await fetch(`${jira.url}/rest/api/3/search/jql`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body })).json()) as object;
    expect(undeclared(posted, 'SearchAndReconcileResults')).toEqual([]);
    expect(undeclared(await get('/rest/api/3/mypermissions'), 'ErrorCollection')).toEqual([]);
    const project = (await get('/rest/api/3/project/OPS')) as { issueTypes: object[] };
    expect(undeclared(project, 'Project')).toEqual([]);
    expect(project.issueTypes.flatMap((t) => undeclared(t, 'IssueTypeDetails'))).toEqual([]);
    expect(undeclared(await get('/rest/api/3/project/NOPE'), 'ErrorCollection')).toEqual([]);
    for (const path of ['/rest/api/3/myself', '/rest/api/3/mypermissions', '/rest/api/3/user/search', '/rest/api/3/search/jql', '/rest/api/3/project/{projectIdOrKey}']) {
      expect(extract.paths[path]?.get.responses).toContain('401');
    }
  });
});
