import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';
import { startPlatforms, type PlatformUnderTest } from './platforms';

describe('integrations API against the four platform emulators', () => {
  let t: TestHub;
  let platforms: PlatformUnderTest[];

  beforeAll(async () => {
    [t, platforms] = await Promise.all([startTestHub(), startPlatforms()]);
  });
  afterAll(async () => {
    await Promise.all(platforms?.map((p) => p.close()) ?? []);
    await t?.stop();
  });

  it('lists the four workspace adapters', async () => {
    const { status, body } = await t.api('GET', '/api/v1/adapters');
    expect(status).toBe(200);
    expect(body.adapters.map((a: { type: string }) => a.type)).toEqual(['halo', 'jira', 'pagerduty', 'servicenow']);
    expect(body.adapters.find((a: { type: string }) => a.type === 'halo').aliases).toContain('haloitsm');
    expect(body.refused).toEqual([]);
  });

  it("describes each adapter's configuration: JSON Schemas with secrets write-only, the settings a writer needs, setup steps", async () => {
    const { body } = await t.api('GET', '/api/v1/adapters');
    const jira = body.adapters.find((a: { type: string }) => a.type === 'jira');
    expect(jira.credential_schema).toMatchObject({
      type: 'object', required: ['email', 'api_key'], additionalProperties: false,
      properties: { email: { type: 'string', format: 'email' }, api_key: { type: 'string', writeOnly: true, description: expect.stringContaining('API token') } },
    });
    expect(jira.settings_schema.properties.project_key).toMatchObject({ type: 'string', pattern: '^[A-Z][A-Z0-9_]+$' });
    expect(jira.required_to_write).toEqual(['project_key']);
    expect(jira.setup_steps).toContain('WebHooks');
    const servicenow = body.adapters.find((a: { type: string }) => a.type === 'servicenow');
    expect(servicenow.credential_schema.properties.password.writeOnly).toBe(true);
    expect(servicenow.credential_schema.properties.username.writeOnly).toBeUndefined();
    expect(body.adapters.find((a: { type: string }) => a.type === 'pagerduty').required_to_write).toEqual(['service_id', 'from_email']);
  });

  it('refuses to save an integration that would write without the settings its platform needs, naming them, and changes nothing', async () => {
    const jira = platforms.find((p) => p.type === 'jira')!;
    const body = { name: 'jira-no-project', type: 'jira', base_url: jira.url, credentials: jira.credentials };
    const refused = await t.api('POST', '/api/v1/integrations', body);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'settings.project_key', message: 'required to write to Jira Cloud' }]);
    expect((await t.api('GET', '/api/v1/integrations/jira-no-project')).status).toBe(404);
    // Reading only needs no project; turning it into a writer does.
    expect((await t.api('POST', '/api/v1/integrations', { ...body, direction: 'inbound' })).status).toBe(201);
    const patched = await t.api('PATCH', '/api/v1/integrations/jira-no-project', { direction: 'bidirectional' });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([{ field: 'settings.project_key', message: 'required to write to Jira Cloud' }]);
    expect((await t.api('GET', '/api/v1/integrations/jira-no-project')).body.direction).toBe('inbound');
    expect((await t.api('PATCH', '/api/v1/integrations/jira-no-project', { direction: 'bidirectional', settings: { project_key: 'OPS' } })).status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/integrations/jira-no-project')).status).toBe(204);
  });

  it('creates, lists, gets, tests and deletes an integration of each type', async () => {
    for (const p of platforms) {
      const name = `${p.type}-main`;
      const created = await t.api('POST', '/api/v1/integrations', {
        name,
        type: p.type === 'halo' ? 'haloitsm' : p.type,
        base_url: p.url,
        credentials: p.credentials,
        settings: p.settings,
        webhook_secret: 'webhook-secret-1234',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name,
        type: p.type,
        base_url: p.url,
        direction: 'bidirectional',
        enabled: true,
        conflict_strategy: 'last-write-wins',
        rate_limit_per_minute: null,
        has_webhook_secret: true,
        webhook_url: `https://hub.example.test/api/v1/webhooks/${created.body.id}`,
      });
      expect(Object.values(created.body.credentials).every((v) => v === '***')).toBe(true);
      expect(Object.keys(created.body.credentials).sort()).toEqual(Object.keys(p.credentials).sort());

      const byName = await t.api('GET', `/api/v1/integrations/${name}`);
      expect(byName.body.id).toBe(created.body.id);

      const test = await t.api('POST', `/api/v1/integrations/${name}/test`);
      expect(test.status).toBe(200);
      expect(test.body.success).toBe(true);
      expect(test.body.checks.length).toBeGreaterThanOrEqual(2);
      expect(test.body.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    }
    const list = await t.api('GET', '/api/v1/integrations');
    expect(list.body.integrations.map((i: { name: string }) => i.name)).toEqual(['halo-main', 'jira-main', 'pagerduty-main', 'servicenow-main']);
    const onlyJira = await t.api('GET', '/api/v1/integrations?type=jira');
    expect(onlyJira.body.integrations).toHaveLength(1);

    const audit = await t.db.url; // the audit log lives in the same database
    expect(audit).toBeDefined();
    for (const p of platforms) {
      expect((await t.api('DELETE', `/api/v1/integrations/${p.type}-main`)).status).toBe(204);
      expect((await t.api('GET', `/api/v1/integrations/${p.type}-main`)).status).toBe(404);
    }
  });

  it('reports a wrong secret as a failed check carrying the vendor message', async () => {
    for (const p of platforms) {
      const name = `${p.type}-wrong`;
      await t.api('POST', '/api/v1/integrations', { name, type: p.type, base_url: p.url, credentials: { ...p.credentials, [p.secretField]: 'definitely-wrong' }, settings: p.settings });
      const test = await t.api('POST', `/api/v1/integrations/${name}/test`);
      expect(test.status).toBe(200);
      expect(test.body.success).toBe(false);
      const failed = test.body.checks.find((c: { passed: boolean }) => !c.passed);
      expect(failed.name).toBe('authentication');
      expect(failed.status).toBeGreaterThanOrEqual(400);
      expect(failed.message.length).toBeGreaterThan(5);
    }
    const snow = await t.api('POST', '/api/v1/integrations/servicenow-wrong/test');
    expect(snow.body.checks.find((c: { passed: boolean }) => !c.passed).message).toMatch(/User Not Authenticated/);
  });

  it('reports an unreachable platform as a failed reachability check', async () => {
    await t.api('POST', '/api/v1/integrations', { name: 'nowhere', type: 'jira', base_url: 'http://127.0.0.1:1', credentials: { email: 'a@example.com', api_key: 'k' }, settings: { project_key: 'OPS' } });
    const test = await t.api('POST', '/api/v1/integrations/nowhere/test');
    expect(test.body.success).toBe(false);
    expect(test.body.checks[0]).toMatchObject({ name: 'reachability', passed: false });
    expect(test.body.checks[0].message).toMatch(/refused/i);
  });

  it('updates by merging credentials key by key and keeps values hidden', async () => {
    const p = platforms.find((x) => x.type === 'servicenow')!;
    await t.api('POST', '/api/v1/integrations', { name: 'snow-merge', type: 'servicenow', base_url: p.url, credentials: { username: 'admin', password: 'wrong' } });
    const patched = await t.api('PATCH', '/api/v1/integrations/snow-merge', { credentials: { password: 'admin' }, enabled: false, rate_limit_per_minute: 60, settings: { incident_table: 'incident' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, rate_limit_per_minute: 60, settings: { incident_table: 'incident' }, credentials: { username: '***', password: '***' } });
    expect((await t.api('POST', '/api/v1/integrations/snow-merge/test')).body.success).toBe(true);
  });

  it('manages field ownership rules', async () => {
    const put = await t.api('PUT', '/api/v1/integrations/snow-merge/ownership', { rules: [{ field: 'priority', owner: 'platform', priority: 10 }, { field: 'status', owner: 'external' }] });
    expect(put.status).toBe(200);
    expect(put.body.rules.map((r: { field: string; owner: string; priority: number }) => [r.field, r.owner, r.priority])).toEqual([['priority', 'platform', 10], ['status', 'external', 0]]);
    const patch = await t.api('PATCH', '/api/v1/integrations/snow-merge/ownership/status', { owner: 'platform', priority: 3 });
    expect(patch.body).toMatchObject({ field: 'status', owner: 'platform', priority: 3 });
    expect((await t.api('PATCH', '/api/v1/integrations/snow-merge/ownership/assignment_group', { owner: 'external' })).status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/integrations/snow-merge/ownership/priority')).status).toBe(204);
    expect((await t.api('DELETE', '/api/v1/integrations/snow-merge/ownership/priority')).status).toBe(404);
    const list = await t.api('GET', '/api/v1/integrations/snow-merge/ownership');
    expect(list.body.rules.map((r: { field: string }) => r.field)).toEqual(['assignment_group', 'status']);
    const bad = await t.api('PATCH', '/api/v1/integrations/snow-merge/ownership/status', { owner: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('owner');
    const dup = await t.api('PUT', '/api/v1/integrations/snow-merge/ownership', { rules: [{ field: 'a', owner: 'platform' }, { field: 'a', owner: 'external' }] });
    expect(dup.status).toBe(400);
    expect((await t.api('GET', '/api/v1/integrations/snow-merge/ownership')).body.rules).toHaveLength(2);
    // Rules are per record kind; incidents are the default, a kind the hub does not keep is refused.
    expect((await t.api('GET', '/api/v1/integrations/snow-merge/ownership?kind=incident')).body).toMatchObject({ kind: 'incident', rules: [{ field: 'assignment_group' }, { field: 'status' }] });
    const unknown = await t.api('PATCH', '/api/v1/integrations/snow-merge/ownership/status?kind=spaceship', { owner: 'platform' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'HUB_ERR_NOT_FOUND' } });
    expect((await t.api('GET', '/api/v1/integrations/snow-merge/mappings?kind=spaceship')).status).toBe(404);
  });

  it('serves health, readiness, metrics and an OpenAPI document built from the request schemas', async () => {
    expect((await t.api('GET', '/healthz', undefined, null)).body).toEqual({ status: 'ok' });
    expect((await t.api('GET', '/readyz', undefined, null)).body).toMatchObject({ status: 'ready', migrations: 'applied' });
    const metrics = await t.api('GET', '/metrics', undefined, null);
    expect(metrics.body).toContain('hub_http_requests_total');
    const doc = await t.api('GET', '/api/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const create = doc.body.paths['/api/v1/integrations'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'type', 'base_url', 'credentials']));
    expect(create.additionalProperties).toBe(false);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/integrations/{id}/ownership/{field}', '/api/v1/integrations/{id}/test']));
    expect((await t.api('GET', '/api/v1/openapi.json', undefined, null)).status).toBe(401);
    expect(ADMIN_TOKEN).toBeDefined();
  });
});
