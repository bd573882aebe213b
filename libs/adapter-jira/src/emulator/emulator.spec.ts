import { DEFAULT_CREDENTIALS, startEmulator, type JiraEmulatorHandle } from './index';

// Response bodies are asserted on, not trusted, so `any` is fine here.
const json = (res: Response) => res.json() as Promise<any>;
const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

describe('Jira emulator', () => {
  let jira: JiraEmulatorHandle;
  const get = (path: string, authorization: string | null = basic(jira.credentials.email, jira.credentials.api_key)) =>
    fetch(`${jira.url}${path}`, { headers: authorization ? { Authorization: authorization, Accept: 'application/json' } : {} });
  const send = (method: 'POST' | 'PUT', path: string, body: unknown) =>
    fetch(`${jira.url}${path}`, { method, headers: { Authorization: basic(jira.credentials.email, jira.credentials.api_key), Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

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

  it('uses the default credentials unless told otherwise', async () => {
    expect(jira.credentials).toEqual({ email: 'admin@example.com', api_key: 'jira-api-token' });
    const custom = await startEmulator({ credentials: { api_key: 'other' } });
    try {
      expect(custom.credentials).toEqual({ email: DEFAULT_CREDENTIALS.email, api_key: 'other' });
      expect((await fetch(`${custom.url}/rest/api/3/myself`, { headers: { Authorization: basic('admin@example.com', 'other') } })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });

  it.each([
    ['an email the adapter refuses', { email: 'a@b.c' }, /^Invalid Jira emulator credentials: credentials\.email: email must be the email address/],
    ['an empty API token', { api_key: '' }, /^Invalid Jira emulator credentials: credentials\.api_key: api_key must not be empty/],
    ['a credential Jira does not have', { username: 'admin' }, /^Invalid Jira emulator credentials: credentials\.username: unknown field/],
  ])('refuses to start with %s, naming the field', async (_name, credentials, message) => {
    await expect(startEmulator({ credentials: credentials as never })).rejects.toThrow(message);
  });

  it('answers a bad basic login as Jira Cloud does: 401 plain text with X-Seraph-LoginReason', async () => {
    const res = await get('/rest/api/3/myself', basic('admin@example.com', 'nope'));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect(res.headers.get('www-authenticate')).toBe(`OAuth realm="${encodeURIComponent(jira.url)}"`);
    expect(await res.text()).toBe('Client must be authenticated to access this resource.');
    const anonymous = await get('/rest/api/3/myself', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-seraph-loginreason')).toBeNull();
  });

  it('returns the signed-in user from /myself', async () => {
    const res = await get('/rest/api/3/myself');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(res.headers.get('x-aaccountid')).toBe(jira.state.me.accountId);
    expect(await res.json()).toMatchObject({ self: `${jira.url}/rest/api/3/user?accountId=${jira.state.me.accountId}`, accountId: jira.state.me.accountId, emailAddress: 'admin@example.com', displayName: 'Jira Admin', active: true, timeZone: 'Etc/UTC' });
  });

  it('reports permissions with havePermission, honouring withheld ones', async () => {
    jira.state.withheldPermissions.add('CREATE_ISSUES');
    const res = await get('/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS,CREATE_ISSUES&projectKey=OPS');
    expect(await res.json()).toEqual({
      permissions: {
        BROWSE_PROJECTS: { id: '10', key: 'BROWSE_PROJECTS', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.', havePermission: true },
        CREATE_ISSUES: { id: '11', key: 'CREATE_ISSUES', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.', havePermission: false },
      },
    });
  });

  it('answers errors with an ErrorCollection', async () => {
    const missing = await get('/rest/api/3/mypermissions');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ errorMessages: ["The 'permissions' query parameter is required."], errors: {} });
    const project = await get('/rest/api/3/mypermissions?permissions=EDIT_ISSUES&projectKey=XYZ');
    expect(project.status).toBe(404);
    expect(await project.json()).toEqual({ errorMessages: ["No project could be found with key 'XYZ'."], errors: {} });
    const unbounded = await get('/rest/api/3/search/jql?jql=ORDER%20BY%20created');
    expect(unbounded.status).toBe(400);
    expect((await json(unbounded)).errorMessages[0]).toMatch(/^Unbounded JQL queries are not allowed here/);
  });

  it('finds users only with Browse users and groups', async () => {
    const found = await (await get('/rest/api/3/user/search?query=olivia&maxResults=1')).json();
    expect(found).toEqual([expect.objectContaining({ displayName: 'Olivia Ops', accountType: 'atlassian' })]);
    jira.state.withheldPermissions.add('USER_PICKER');
    expect(await (await get('/rest/api/3/user/search?query=olivia')).json()).toEqual([]);
    expect((await get('/rest/api/3/user/search')).status).toBe(400);
  });

  it('pages /search/jql with nextPageToken and isLast, without total', async () => {
    const first = await json(await get('/rest/api/3/search/jql?jql=project%20%3D%20OPS%20ORDER%20BY%20created&maxResults=1&fields=summary,status'));
    expect(first).toEqual({
      issues: [expect.objectContaining({ id: '10001', key: 'OPS-1', fields: expect.objectContaining({ summary: 'Checkout API answers 502' }) })],
      isLast: false,
      nextPageToken: expect.any(String),
    });
    const second = await json(await get(`/rest/api/3/search/jql?jql=project%20%3D%20OPS&maxResults=2&nextPageToken=${first.nextPageToken}`));
    expect(second).toEqual({ issues: [expect.not.objectContaining({ fields: expect.anything() }), expect.anything()], isLast: true });
    expect(second.issues.map((i: { key: string }) => i.key)).toEqual(['OPS-2', 'OPS-3']);
    jira.state.withheldPermissions.add('BROWSE_PROJECTS');
    const hidden = await get('/rest/api/3/search/jql?jql=project%20%3D%20OPS');
    expect(await hidden.json()).toEqual({ errorMessages: ["The value 'OPS' does not exist for the field 'project'."], errors: {} });
  });

  it('searches with POST /search/jql as with GET, fields as a list', async () => {
    const first = await json(await send('POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY created', maxResults: 1, fields: ['summary', 'status'] }));
    expect(first).toEqual({
      issues: [expect.objectContaining({ key: 'OPS-1', fields: { summary: 'Checkout API answers 502', status: expect.objectContaining({ name: 'To Do' }) } })],
      isLast: false,
      nextPageToken: expect.any(String),
    });
    const second = await json(await send('POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY created', nextPageToken: first.nextPageToken, fields: null }));
    expect(second).toEqual({ issues: [{ expand: expect.any(String), id: '10002', self: expect.any(String), key: 'OPS-2' }, expect.objectContaining({ key: 'OPS-3' })], isLast: true });
    const unbounded = await send('POST', '/rest/api/3/search/jql', {});
    expect([unbounded.status, (await json(unbounded)).errorMessages[0]]).toEqual([400, expect.stringMatching(/^Unbounded JQL queries/)]);
  });

  it('refuses search parameters and body fields it does not implement, and mistyped ones', async () => {
    const body = await send('POST', '/rest/api/3/search/jql', { jql: 'project = OPS', expand: 'names', reconcileIssues: [10001], startAt: 0 });
    expect([body.status, await json(body)]).toEqual([
      400,
      { errorMessages: ['The emulator does not implement the body field(s) expand, reconcileIssues, startAt of POST /rest/api/3/search/jql.'], errors: {} },
    ]);
    const typed = await send('POST', '/rest/api/3/search/jql', { jql: 'project = OPS', maxResults: '10', fields: 'summary' });
    expect([typed.status, (await json(typed)).errorMessages]).toEqual([
      400,
      ['Invalid request payload. Refer to the REST API documentation and try again. fields: Invalid input: expected array, received string; maxResults: Invalid input: expected number, received string'],
    ]);
    const query = await get('/rest/api/3/search/jql?jql=project%20%3D%20OPS&expand=names&failFast=true');
    expect(await json(query)).toEqual({ errorMessages: ['The emulator does not implement the query parameter(s) expand, failFast of GET /rest/api/3/search/jql.'], errors: {} });
    expect(await json(await get('/rest/api/3/search/jql?jql=project%20%3D%20OPS&maxResults=ten'))).toEqual({ errorMessages: ["maxResults must be an integer, not 'ten'."], errors: {} });
  });

  describe('ADF', () => {
    const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
    const paragraph = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
    const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    const create = (fields: Record<string, unknown>) => send('POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'ADF', ...fields } });
    afterEach(() => jira.emulator.reset());

    it.each([
      ['a text node straight under doc', doc({ type: 'text', text: 'Hello' }), 'content[0]: a node of type "text" is not allowed there'],
      ['an empty text node', doc({ type: 'paragraph', content: [{ type: 'text', text: '' }] }), 'content[0].content[0].text must NOT have fewer than 1 characters'],
      ['a link without its href', doc({ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link' }] }] }), "content[0].content[0].marks[0] must have required property 'attrs'"],
      ['a heading without a level', doc({ type: 'heading', content: [{ type: 'text', text: 'x' }] }), "content[0] must have required property 'attrs'"],
      ['a plain string', 'Hello', 'the document must be object'],
    ])('refuses %s as a description, as Jira does', async (_name, description, problem) => {
      const res = await create({ description });
      expect([res.status, await json(res)]).toEqual([400, { errorMessages: [], errors: { description: `${NOT_ADF}: ${problem}` } }]);
      expect(jira.state.issues).toHaveLength(4);
    });

    it('checks every rich-text field on create and edit, and stores valid documents', async () => {
      const created = await create({ description: doc(paragraph('Checkout is down')), environment: doc(paragraph('prod-eu')) });
      expect(created.status).toBe(201);
      const { key } = await json(created);
      expect(await json(await get(`/rest/api/3/issue/${key}?fields=description,environment`))).toMatchObject({ fields: { description: doc(paragraph('Checkout is down')), environment: doc(paragraph('prod-eu')) } });
      const edit = await send('PUT', `/rest/api/3/issue/${key}`, { fields: { environment: doc({ type: 'text', text: 'prod-us' }) } });
      expect([edit.status, await json(edit)]).toEqual([400, { errorMessages: [], errors: { environment: `${NOT_ADF}: content[0]: a node of type "text" is not allowed there` } }]);
      expect((await send('PUT', `/rest/api/3/issue/${key}`, { fields: { description: doc(), environment: null } })).status).toBe(204);
    });

    it('refuses body parts beside fields that it does not implement (update, transition, properties), changing nothing', async () => {
      const refused = await send('POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'x' }, transition: { id: '21' } });
      expect([refused.status, (await json(refused)).errorMessages]).toEqual([400, ['The emulator does not implement transition in the body of POST /rest/api/3/issue; it takes fields only.']]);
      const edit = await send('PUT', '/rest/api/3/issue/OPS-1', { update: { labels: [{ add: 'x' }] } });
      expect([edit.status, (await json(edit)).errorMessages[0]]).toEqual([400, expect.stringContaining('does not implement update')]);
      expect(jira.state.issues).toHaveLength(4);
    });

    it('refuses an empty or invalid comment body with Jira\'s comment errors', async () => {
      const comment = (body: unknown) => send('POST', '/rest/api/3/issue/OPS-1/comment', { body });
      for (const [body, message] of [
        [doc(), 'Comment body can not be empty!'],
        [undefined, 'Comment body can not be empty!'],
        [doc({ type: 'text', text: 'Looking' }), 'Comment body is not valid! content[0]: a node of type "text" is not allowed there'],
        [doc({ type: 'paragraph', content: [{ type: 'text', text: '' }] }), 'Comment body is not valid! content[0].content[0].text must NOT have fewer than 1 characters'],
        ['Looking', 'Comment body is not valid! the document must be object'],
      ] as const) {
        const res = await comment(body);
        expect([res.status, await json(res)]).toEqual([400, { errorMessages: [], errors: { comment: message } }]);
      }
      expect(jira.state.issues[0].comments).toEqual([]);
      expect((await comment(doc(paragraph('Looking')))).status).toBe(201);
    });
  });

  it('answers injected 429s with Retry-After and Jira rate-limit headers', async () => {
    jira.emulator.injectFault({ pathPrefix: '/rest/api/3/', status: 429, retryAfterSeconds: 5, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } });
    const res = await get('/rest/api/3/myself');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    expect(res.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(await res.json()).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    expect((await get('/rest/api/3/myself')).status).toBe(200);
  });

  it('answers a call past a rate limit with 429 and the limit in its headers; calls within it carry none', async () => {
    jira.emulator.setFaultProfile({ rate_limit_per_minute: 1 });
    try {
      const within = await get('/rest/api/3/myself');
      expect([within.status, within.headers.get('x-ratelimit-limit')]).toEqual([200, null]);
      const past = await get('/rest/api/3/myself');
      expect([past.status, past.headers.get('retry-after'), past.headers.get('x-ratelimit-limit'), past.headers.get('x-ratelimit-remaining')]).toEqual([429, '60', '1', '0']);
      expect(past.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    } finally {
      jira.emulator.clearFaults();
    }
  });
});
