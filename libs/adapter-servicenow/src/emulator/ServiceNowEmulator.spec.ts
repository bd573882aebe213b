import { ADMIN_USER_ID, DEFAULT_CREDENTIALS, startEmulator, type ServiceNowEmulatorHandle } from './index';

let sn: ServiceNowEmulatorHandle;
let now = Date.parse('2025-08-01T12:00:00Z');

beforeAll(async () => {
  sn = await startEmulator({ port: 0, credentials: { client_secret: 'custom-secret' }, now: () => now });
});
afterAll(() => sn.close());

const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
const get = (path: string, authorization = basic) => fetch(`${sn.url}${path}`, { headers: { Authorization: authorization } });
const token = (form: Record<string, string>, type = 'application/x-www-form-urlencoded') =>
  fetch(`${sn.url}/oauth_token.do`, { method: 'POST', headers: { 'Content-Type': type }, body: type.includes('json') ? JSON.stringify(form) : new URLSearchParams(form).toString() });
// Test bodies are read loosely: the assertions check their shape.
const json = (res: Response) => res.json() as Promise<Record<string, any>>;
const client = { client_id: 'hub-client', client_secret: 'custom-secret' };

describe('ServiceNow emulator', () => {
  it('merges given credentials over the defaults', () => {
    expect(DEFAULT_CREDENTIALS).toEqual({ username: 'admin', password: 'admin', client_id: 'hub-client', client_secret: 'hub-secret' });
    expect(sn.credentials).toEqual({ ...DEFAULT_CREDENTIALS, client_secret: 'custom-secret' });
  });

  it('answers 401 with the Table API error envelope', async () => {
    for (const authorization of ['', 'Bearer forged', `Basic ${Buffer.from('admin:nope').toString('base64')}`]) {
      const res = await get('/api/now/table/incident', authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(await json(res)).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    }
  });

  it('lists with the result envelope, string values, X-Total-Count, Link and reference links', async () => {
    const res = await get('/api/now/table/incident?sysparm_limit=1&sysparm_fields=number,assigned_to,priority&sysparm_query=ORDERBYDESCnumber');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('2');
    const base = `${sn.url}/api/now/table/incident?sysparm_limit=1&sysparm_fields=number,assigned_to,priority&sysparm_query=ORDERBYDESCnumber`;
    expect(res.headers.get('link')).toBe(`<${base}&sysparm_offset=0>;rel="first",<${base}&sysparm_offset=-1>;rel="prev",<${base}&sysparm_offset=1>;rel="next",<${base}&sysparm_offset=1>;rel="last"`);
    expect(await json(res)).toEqual({
      result: [{ number: 'INC0010002', priority: '1', assigned_to: { link: `${sn.url}/api/now/table/sys_user/${ADMIN_USER_ID}`, value: ADMIN_USER_ID } }],
    });
  });

  it('filters with an encoded query and honours the header switches', async () => {
    const res = await get('/api/now/v2/table/incident?sysparm_query=state!=1^active=true&sysparm_no_count=true&sysparm_suppress_pagination_header=true&sysparm_fields=number');
    expect(res.headers.get('x-total-count')).toBeNull();
    expect(res.headers.get('link')).toBeNull();
    expect(await json(res)).toEqual({ result: [{ number: 'INC0010002' }] });
  });

  it('answers the documented 400, 404 and 403 error shapes', async () => {
    const offset = await get('/api/now/table/incident?sysparm_offset=-1');
    expect([offset.status, await json(offset)]).toEqual([400, { error: { message: 'offset is -1', detail: 'Negative offset is not supported' }, status: 'failure' }]);
    const missing = await get('/api/now/table/incident/0123456789abcdef0123456789abcdef');
    expect([missing.status, (await json(missing)).error.message]).toEqual([404, 'No Record found']);
    sn.emulator.readableTables = ['incident'];
    const denied = await get('/api/now/table/sys_user?sysparm_limit=1&sysparm_fields=sys_id');
    sn.emulator.readableTables = undefined;
    expect(denied.status).toBe(403);
    expect(await json(denied)).toMatchObject({ error: { message: 'Insufficient rights to query records' }, status: 'failure' });
  });

  it('issues password tokens with a refresh token, and returns the current token while it lives', async () => {
    const first = await token({ grant_type: 'password', ...client, username: 'admin', password: 'admin' });
    expect(first.status).toBe(200);
    const body = await json(first);
    expect(body).toMatchObject({ scope: 'useraccount', token_type: 'Bearer', expires_in: 1799 });
    expect(typeof body.refresh_token).toBe('string');
    now += 10_000;
    const again = await json(await token({ grant_type: 'password', ...client, username: 'admin', password: 'admin' }));
    expect([again.access_token, again.expires_in]).toEqual([body.access_token, 1789]);
    expect((await get('/api/now/table/incident/' + 'x', `Bearer ${body.access_token}`)).status).toBe(404);

    const refreshed = await json(await token({ grant_type: 'refresh_token', ...client, refresh_token: body.refresh_token }));
    expect(refreshed.refresh_token).toBeUndefined();
    now += 1_800_000;
    expect((await get('/api/now/table/incident', `Bearer ${body.access_token}`)).status).toBe(401);
  });

  it('issues client_credentials tokens without a refresh token', async () => {
    const res = await token({ grant_type: 'client_credentials', ...client });
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect((await get('/api/now/table/sys_user?sysparm_limit=1', `Bearer ${body.access_token}`)).status).toBe(200);
  });

  it('refuses bad clients, bad users, unknown grants and JSON bodies with the token error', async () => {
    const refusals = [
      token({ grant_type: 'client_credentials', client_id: 'hub-client', client_secret: 'hub-secret' }),
      token({ grant_type: 'password', ...client, username: 'admin', password: 'wrong' }),
      token({ grant_type: 'refresh_token', ...client, refresh_token: 'unknown' }),
      token({ grant_type: 'authorization_code', ...client }),
      token({ grant_type: 'client_credentials', ...client }, 'application/json'),
    ];
    for (const res of await Promise.all(refusals)) {
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual({ error_description: 'access_denied', error: 'server_error' });
    }
  });

  it('applies injected faults with Retry-After', async () => {
    sn.emulator.injectFault({ pathPrefix: '/api/now/table', status: 429, retryAfterSeconds: 7, body: { error: { message: 'Rate limit exceeded', detail: null }, status: 'failure' } });
    const limited = await get('/api/now/table/incident');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    // No Rate Limit Rule stands behind an injected 429, so it carries none of the rule's headers.
    expect(limited.headers.get('x-ratelimit-rule')).toBeNull();
    expect((await get('/api/now/table/incident')).status).toBe(200);
  });

  it('sends the Rate Limit Rule headers while a limit counts the calls, and 429 with Retry-After past it', async () => {
    sn.emulator.setFaultProfile({ rate_limit_per_minute: 2 });
    try {
      const first = await get('/api/now/table/incident');
      expect(first.status).toBe(200);
      // Two per minute is 120 per hour, the unit ServiceNow's rules count in; the reset is a UNIX time.
      expect(first.headers.get('x-ratelimit-limit')).toBe('120');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((now + 60_000) / 1000));
      expect(first.headers.get('x-ratelimit-rule')).toMatch(/^[0-9a-f]{32}$/);
      await get('/api/now/table/incident');
      const third = await get('/api/now/table/incident');
      expect([third.status, third.headers.get('retry-after'), third.headers.get('x-ratelimit-limit')]).toEqual([429, '60', '120']);
    } finally {
      sn.emulator.clearFaults();
    }
  });

  it('writes incidents: number, priority matrix, dot-walks, query operators and the business-rule abort', async () => {
    sn.emulator.reset();
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${sn.url}${path}`, { method, headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const created = await send('POST', '/api/now/v2/table/incident?sysparm_fields=number,priority,sys_mod_count,assigned_to.email&sysparm_exclude_reference_link=true', { short_description: 'x', impact: '3', urgency: '1', assigned_to: ADMIN_USER_ID, bogus: 'ignored' });
    expect(created.status).toBe(201);
    expect(await json(created)).toEqual({ result: { number: 'INC0010003', priority: '3', sys_mod_count: '0', 'assigned_to.email': 'admin@example.com' } });
    const listed = await json(await get('/api/now/table/incident?sysparm_query=numberININC0010001,INC0010003^short_descriptionLIKEEMAIL^ORDERBYDESCnumber&sysparm_fields=number'));
    expect(listed.result).toEqual([{ number: 'INC0010001' }]);
    const refused = await send('PATCH', `/api/now/table/incident/${sn.emulator.tables.incident[0].sys_id}`, { assignment_group: 'Legacy Support' });
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.detail).toContain("Operation against file 'incident' was aborted by Business Rule");
    const missing = await send('PATCH', '/api/now/table/incident/0123456789abcdef0123456789abcdef', { state: '2' });
    expect(missing.status).toBe(404);
  });

  it("lists the caller's roles through gs.getUserID() and dot-walked conditions, and refuses scripts it cannot run", async () => {
    const roles = await json(await get('/api/now/table/sys_user_has_role?sysparm_query=user=javascript:gs.getUserID()^role.nameINitil,admin&sysparm_fields=role.name,user.user_name'));
    expect(roles.result).toEqual([{ 'role.name': 'admin', 'user.user_name': 'admin' }]);
    const none = await json(await get('/api/now/table/sys_user_has_role?sysparm_query=user=javascript:gs.getUserID()^role.name=itil'));
    expect(none.result).toEqual([]);
    const script = await get('/api/now/table/incident?sysparm_query=caller_id=javascript:gs.getUser().getManagerID()');
    expect(script.status).toBe(400);
    expect((await json(script)).error.detail).toContain('javascript:gs.getUser().getManagerID()');
  });

  it('refuses to start with credentials the hub would refuse, naming the field', async () => {
    await expect(startEmulator({ port: 0, credentials: { username: 'admin', password: '' } })).rejects.toThrow(/credentials\.password/);
  });
});
