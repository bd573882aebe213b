import { ADMIN_TOKEN, startTestHub, type TestHub } from './hubFixture';

/**
 * Organizations isolate their integrations. The admin token of `default` is the instance admin:
 * it creates organizations and tokens and may act inside any organization with ?organization_id.
 */
describe('organizations, tokens and isolation', () => {
  let t: TestHub;
  let defaultOrg: { id: string; name: string };
  let orgB: { id: string; name: string };
  let adminB: { id: string; token: string };
  let memberB: { id: string; token: string };
  let defaultIntegration: any;
  let bIntegration: any;
  const snow = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    type: 'servicenow',
    base_url: 'https://example.invalid',
    credentials: { username: 'u', password: 'p' },
    ...extra,
  });
  const names = (res: { body: any }) => res.body.integrations.map((i: { name: string }) => i.name);
  const expectProblem = (res: { status: number; body: any; type: string }, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.code, type: res.type }).toEqual({ status, code, type: expect.stringContaining('application/problem+json') });
  };

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lists only `default` at first and lets the instance admin create an organization', async () => {
    const list = await t.api('GET', '/api/v1/organizations');
    expect(list.status).toBe(200);
    expect(list.body.organizations).toHaveLength(1);
    defaultOrg = list.body.organizations[0];
    expect(defaultOrg.name).toBe('default');

    const created = await t.api('POST', '/api/v1/organizations', { name: 'org-b' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'org-b', created_at: expect.any(String) });
    orgB = created.body;
    expect((await t.api('GET', '/api/v1/organizations')).body.organizations.map((o: { name: string }) => o.name)).toEqual(['default', 'org-b']);
  });

  it('refuses a duplicate organization name with 409', async () => {
    const dup = await t.api('POST', '/api/v1/organizations', { name: 'org-b' });
    expectProblem(dup, 409, 'HUB_ERR_CONFLICT');
    expect(dup.body.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
    expectProblem(await t.api('POST', '/api/v1/organizations', { name: 'Org B' }), 400, 'HUB_ERR_VALIDATION_FAILED');
    expect((await t.api('GET', '/api/v1/organizations')).body.organizations).toHaveLength(2);
  });

  it('issues tokens (by org id or by org name) whose plaintext is shown once, and lists only hints', async () => {
    const admin = await t.api('POST', `/api/v1/organizations/${orgB.id}/tokens`, { name: 'b-admin', role: 'admin' });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({ organization_id: orgB.id, name: 'b-admin', role: 'admin', revoked_at: null, hint: expect.any(String) });
    expect(typeof admin.body.token).toBe('string');
    expect(admin.body.token.length).toBeGreaterThan(20);
    expect(admin.body.token).not.toBe(admin.body.hint);
    adminB = { id: admin.body.id, token: admin.body.token };

    // The organization's name works in place of its id; the role defaults to member.
    const member = await t.api('POST', '/api/v1/organizations/org-b/tokens', { name: 'b-reader' });
    expect(member.status).toBe(201);
    expect(member.body).toMatchObject({ organization_id: orgB.id, role: 'member' });
    memberB = { id: member.body.id, token: member.body.token };
    expect(memberB.token).not.toBe(adminB.token);

    const listed = await t.api('GET', `/api/v1/organizations/${orgB.id}/tokens`);
    expect(listed.status).toBe(200);
    expect(listed.body.tokens.map((x: { name: string }) => x.name)).toEqual(['b-admin', 'b-reader']);
    for (const tok of listed.body.tokens) {
      expect(tok).not.toHaveProperty('token');
      expect(tok).not.toHaveProperty('token_hash');
      expect(Object.keys(tok).sort()).toEqual(['created_at', 'hint', 'id', 'name', 'organization_id', 'revoked_at', 'role']);
    }
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(adminB.token);
    expect(text).not.toContain(memberB.token);
    expect((await t.api('GET', '/api/v1/organizations/org-b/tokens')).body).toEqual(listed.body);

    expectProblem(await t.api('POST', `/api/v1/organizations/${orgB.id}/tokens`, { name: 'x', role: 'owner' }), 400, 'HUB_ERR_VALIDATION_FAILED');
    expectProblem(await t.api('POST', '/api/v1/organizations/no-such-org/tokens', { name: 'x' }), 404, 'HUB_ERR_NOT_FOUND');
    expect((await t.api('GET', `/api/v1/organizations/${orgB.id}/tokens`)).body.tokens).toHaveLength(2);
  });

  it('scopes an organization admin to its own organization', async () => {
    defaultIntegration = (await t.api('POST', '/api/v1/integrations', snow('default-snow'))).body;
    expect(defaultIntegration.organization_id).toBe(defaultOrg.id);

    const created = await t.api('POST', '/api/v1/integrations', snow('b-snow'), adminB.token);
    expect(created.status).toBe(201);
    expect(created.body.organization_id).toBe(orgB.id);
    bIntegration = created.body;
    // Names are unique per organization, not per instance.
    const sameName = await t.api('POST', '/api/v1/integrations', snow('default-snow'), adminB.token);
    expect(sameName.status).toBe(201);
    expect(sameName.body.organization_id).toBe(orgB.id);

    expect(names(await t.api('GET', '/api/v1/integrations', undefined, adminB.token))).toEqual(['b-snow', 'default-snow']);
    expect(names(await t.api('GET', '/api/v1/integrations'))).toEqual(['default-snow']);
    expect((await t.api('GET', '/api/v1/organizations', undefined, adminB.token)).body.organizations.map((o: { id: string }) => o.id)).toEqual([orgB.id]);
  });

  it("answers 404 (never 403) for another organization's integration", async () => {
    const id = defaultIntegration.id;
    const asB = (method: string, path: string, body?: unknown) => t.api(method, path, body, adminB.token);
    expectProblem(await asB('GET', `/api/v1/integrations/${id}`), 404, 'HUB_ERR_NOT_FOUND');
    expect(names(await asB('GET', '/api/v1/integrations'))).not.toContain(id);
    expect((await asB('GET', '/api/v1/integrations')).body.integrations.map((i: { id: string }) => i.id)).not.toContain(id);
    expectProblem(await asB('PATCH', `/api/v1/integrations/${id}`, { enabled: false }), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('DELETE', `/api/v1/integrations/${id}`), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('POST', `/api/v1/integrations/${id}/test`), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('GET', `/api/v1/integrations/${id}/ownership`), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('PUT', `/api/v1/integrations/${id}/ownership`, { rules: [] }), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('PATCH', `/api/v1/integrations/${id}/ownership/priority`, { owner: 'platform' }), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('DELETE', `/api/v1/integrations/${id}/ownership/priority`), 404, 'HUB_ERR_NOT_FOUND');
    // By name: B's own `default-snow` is found, never default's.
    const byName = await asB('GET', '/api/v1/integrations/default-snow');
    expect(byName.body.organization_id).toBe(orgB.id);
    expect(byName.body.id).not.toBe(id);
    const onlyDefaults = await t.api('POST', '/api/v1/integrations', snow('only-in-default'));
    expect(onlyDefaults.status).toBe(201);
    expectProblem(await asB('GET', '/api/v1/integrations/only-in-default'), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('PATCH', '/api/v1/integrations/only-in-default', { enabled: false }), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await asB('DELETE', '/api/v1/integrations/only-in-default'), 404, 'HUB_ERR_NOT_FOUND');

    // Naming default's organization does not let B in: 404, whether by id or by name, in query or body.
    for (const ref of [defaultOrg.id, 'default']) {
      expectProblem(await asB('GET', `/api/v1/integrations?organization_id=${ref}`), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('GET', `/api/v1/integrations/${id}?organization_id=${ref}`), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('PATCH', `/api/v1/integrations/${id}?organization_id=${ref}`, { enabled: false }), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('PATCH', `/api/v1/integrations/${id}`, { organization_id: ref, enabled: false }), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('DELETE', `/api/v1/integrations/${id}?organization_id=${ref}`), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('POST', `/api/v1/integrations/${id}/test?organization_id=${ref}`), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('POST', '/api/v1/integrations', { ...snow('smuggled'), organization_id: ref }), 404, 'HUB_ERR_NOT_FOUND');
      expectProblem(await asB('POST', `/api/v1/integrations?organization_id=${ref}`, snow('smuggled')), 404, 'HUB_ERR_NOT_FOUND');
    }
    // Passing its own organization is fine.
    expect((await asB('GET', `/api/v1/integrations?organization_id=${orgB.id}`)).status).toBe(200);

    // Nothing of default's changed.
    const after = await t.api('GET', `/api/v1/integrations/${id}`);
    expect(after.body).toEqual(defaultIntegration);
    expect(names(await t.api('GET', '/api/v1/integrations'))).toEqual(['default-snow', 'only-in-default']);
  });

  it('lets the instance admin list, get, create, patch and delete inside B with ?organization_id (id or name) or in the body', async () => {
    for (const ref of [orgB.id, 'org-b']) {
      expect(names(await t.api('GET', `/api/v1/integrations?organization_id=${ref}`))).toEqual(['b-snow', 'default-snow']);
      const got = await t.api('GET', `/api/v1/integrations/b-snow?organization_id=${ref}`);
      expect(got.body.id).toBe(bIntegration.id);
      expect((await t.api('GET', `/api/v1/integrations/${bIntegration.id}?organization_id=${ref}`)).body.id).toBe(bIntegration.id);
      expect((await t.api('GET', `/api/v1/integrations/${bIntegration.id}/ownership?organization_id=${ref}`)).status).toBe(200);
    }
    // Without organization_id the instance admin acts in default and does not see B's integration.
    expectProblem(await t.api('GET', `/api/v1/integrations/${bIntegration.id}`), 404, 'HUB_ERR_NOT_FOUND');

    const viaQuery = await t.api('POST', `/api/v1/integrations?organization_id=${orgB.id}`, snow('made-by-instance-admin'));
    expect(viaQuery.status).toBe(201);
    expect(viaQuery.body.organization_id).toBe(orgB.id);
    const viaBody = await t.api('POST', '/api/v1/integrations', { ...snow('made-in-body'), organization_id: 'org-b' });
    expect(viaBody.status).toBe(201);
    expect(viaBody.body.organization_id).toBe(orgB.id);
    const patched = await t.api('PATCH', '/api/v1/integrations/made-in-body?organization_id=org-b', { enabled: false });
    expect(patched.body).toMatchObject({ organization_id: orgB.id, enabled: false });

    expect(names(await t.api('GET', '/api/v1/integrations', undefined, adminB.token))).toEqual(['b-snow', 'default-snow', 'made-by-instance-admin', 'made-in-body']);
    expect(names(await t.api('GET', '/api/v1/integrations'))).toEqual(['default-snow', 'only-in-default']);
    expect((await t.api('DELETE', `/api/v1/integrations/made-in-body?organization_id=${orgB.id}`)).status).toBe(204);
    expectProblem(await t.api('GET', '/api/v1/integrations?organization_id=no-such-org'), 404, 'HUB_ERR_NOT_FOUND');
    expectProblem(await t.api('POST', '/api/v1/integrations', { ...snow('nowhere'), organization_id: 'no-such-org' }), 404, 'HUB_ERR_NOT_FOUND');
  });

  it('lets a member token read but not change configuration (403)', async () => {
    const m = memberB.token;
    expect(names(await t.api('GET', '/api/v1/integrations', undefined, m))).toContain('b-snow');
    expect((await t.api('GET', '/api/v1/integrations/b-snow', undefined, m)).status).toBe(200);
    expect((await t.api('GET', '/api/v1/integrations/b-snow/ownership', undefined, m)).status).toBe(200);
    const before = (await t.api('GET', '/api/v1/integrations', undefined, m)).body;
    expectProblem(await t.api('POST', '/api/v1/integrations', snow('by-member'), m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('PATCH', '/api/v1/integrations/b-snow', { enabled: false }, m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('DELETE', '/api/v1/integrations/b-snow', undefined, m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('PUT', '/api/v1/integrations/b-snow/ownership', { rules: [] }, m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('PATCH', '/api/v1/integrations/b-snow/ownership/priority', { owner: 'platform' }, m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('DELETE', '/api/v1/integrations/b-snow/ownership/priority', undefined, m), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('DELETE', `/api/v1/tokens/${adminB.id}`, undefined, m), 404, 'HUB_ERR_NOT_FOUND');
    expect((await t.api('GET', '/api/v1/integrations', undefined, m)).body).toEqual(before);
  });

  it('refuses organization and token management to anyone but the instance admin (403)', async () => {
    for (const token of [adminB.token, memberB.token]) {
      expectProblem(await t.api('POST', '/api/v1/organizations', { name: 'org-c' }, token), 403, 'HUB_ERR_FORBIDDEN');
      expectProblem(await t.api('POST', `/api/v1/organizations/${orgB.id}/tokens`, { name: 'more', role: 'admin' }, token), 403, 'HUB_ERR_FORBIDDEN');
      expectProblem(await t.api('POST', `/api/v1/organizations/${defaultOrg.id}/tokens`, { name: 'escalate', role: 'admin' }, token), 403, 'HUB_ERR_FORBIDDEN');
      expectProblem(await t.api('GET', `/api/v1/organizations/${orgB.id}/tokens`, undefined, token), 403, 'HUB_ERR_FORBIDDEN');
    }
    // A member of default is not the instance admin either.
    const defaultMember = await t.api('POST', '/api/v1/organizations/default/tokens', { name: 'default-reader', role: 'member' });
    expect(defaultMember.status).toBe(201);
    expectProblem(await t.api('POST', '/api/v1/organizations', { name: 'org-c' }, defaultMember.body.token), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('POST', '/api/v1/organizations/org-b/tokens', { name: 'x' }, defaultMember.body.token), 403, 'HUB_ERR_FORBIDDEN');
    expectProblem(await t.api('GET', `/api/v1/integrations?organization_id=${orgB.id}`, undefined, defaultMember.body.token), 404, 'HUB_ERR_NOT_FOUND');

    expect((await t.api('GET', '/api/v1/organizations')).body.organizations.map((o: { name: string }) => o.name)).toEqual(['default', 'org-b']);
    expect((await t.api('GET', `/api/v1/organizations/${orgB.id}/tokens`)).body.tokens.map((x: { name: string }) => x.name)).toEqual(['b-admin', 'b-reader']);
  });

  it('revokes a token: it gets 401 afterwards and stays listed with revoked_at', async () => {
    const extra = await t.api('POST', `/api/v1/organizations/${orgB.id}/tokens`, { name: 'b-temp', role: 'admin' });
    expect((await t.api('GET', '/api/v1/integrations', undefined, extra.body.token)).status).toBe(200);
    // An organization admin may revoke a token of its own organization, but not one of default.
    const defaultTokens = (await t.api('GET', '/api/v1/organizations/default/tokens')).body.tokens;
    expectProblem(await t.api('DELETE', `/api/v1/tokens/${defaultTokens[0].id}`, undefined, adminB.token), 404, 'HUB_ERR_NOT_FOUND');
    expect((await t.api('DELETE', `/api/v1/tokens/${extra.body.id}`, undefined, adminB.token)).status).toBe(204);
    expectProblem(await t.api('GET', '/api/v1/integrations', undefined, extra.body.token), 401, 'HUB_ERR_AUTH_INVALID');
    expectProblem(await t.api('DELETE', `/api/v1/tokens/${extra.body.id}`, undefined, adminB.token), 404, 'HUB_ERR_NOT_FOUND');

    // The instance admin revokes B's member token.
    expect((await t.api('DELETE', `/api/v1/tokens/${memberB.id}`)).status).toBe(204);
    expectProblem(await t.api('GET', '/api/v1/integrations', undefined, memberB.token), 401, 'HUB_ERR_AUTH_INVALID');
    expectProblem(await t.api('GET', '/api/v1/integrations/b-snow', undefined, memberB.token), 401, 'HUB_ERR_AUTH_INVALID');
    expectProblem(await t.api('DELETE', '/api/v1/tokens/no-such-token'), 404, 'HUB_ERR_NOT_FOUND');

    const listed = (await t.api('GET', `/api/v1/organizations/${orgB.id}/tokens`)).body.tokens;
    const byName = Object.fromEntries(listed.map((x: { name: string }) => [x.name, x]));
    expect(byName['b-reader'].revoked_at).toEqual(expect.any(String));
    expect(byName['b-temp'].revoked_at).toEqual(expect.any(String));
    expect(byName['b-admin'].revoked_at).toBeNull();
    expect(JSON.stringify(listed)).not.toContain(extra.body.token);
    // The other tokens still work.
    expect((await t.api('GET', '/api/v1/integrations', undefined, adminB.token)).status).toBe(200);
    expect((await t.api('GET', '/api/v1/integrations', undefined, ADMIN_TOKEN)).status).toBe(200);
  });

  it('keeps plaintext tokens out of the log', async () => {
    expect(t.logs.text).not.toContain(adminB.token);
    expect(t.logs.text).not.toContain(memberB.token);
    expect(t.logs.text).not.toContain(ADMIN_TOKEN);
  });
});
