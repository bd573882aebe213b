import { DEFAULT_CREDENTIALS, startEmulator, type HaloEmulatorCredentials, type HaloEmulatorHandle } from './index';

describe('Halo emulator', () => {
  let halo: HaloEmulatorHandle;
  let clockMs = Date.parse('2026-03-01T10:00:00Z');

  beforeAll(async () => {
    halo = await startEmulator({ tokenLifetimeSeconds: 600, now: () => new Date(clockMs) });
  });
  afterAll(() => halo.close());

  function token(form: Record<string, string>, tenant: string | null = 'demo') {
    const query = tenant === null ? '' : `?tenant=${tenant}`;
    return fetch(`${halo.url}/auth/token${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
  const goodForm = { grant_type: 'client_credentials', client_id: 'hub-client', client_secret: 'hub-secret', scope: 'all' };

  async function accessToken(): Promise<string> {
    return ((await (await token(goodForm)).json()) as { access_token: string }).access_token;
  }

  function api(path: string, bearer?: string) {
    return fetch(`${halo.url}${path}`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  }

  it.each([
    ['an empty client_id', { client_id: '' }, 'credentials.client_id: client_id must not be empty'],
    ['an empty tenant', { tenant: '' }, 'credentials.tenant: tenant must not be empty'],
    ['a key the adapter does not know', { token: 'k' }, 'credentials.token: unknown field'],
  ])('refuses to start with %s, naming the field, as the hub would refuse it', async (_case, credentials, message) => {
    await expect(startEmulator({ credentials: credentials as HaloEmulatorCredentials })).rejects.toThrow(message);
  });

  it('starts with the default credentials', () => {
    expect(halo.credentials).toEqual(DEFAULT_CREDENTIALS);
    expect(DEFAULT_CREDENTIALS).toEqual({ client_id: 'hub-client', client_secret: 'hub-secret', tenant: 'demo' });
  });

  it('issues an uncacheable bearer token for the configured client', async () => {
    const res = await token(goodForm);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store, no-cache, max-age=0');
    expect(await res.json()).toEqual({ access_token: expect.any(String), expires_in: 600, token_type: 'Bearer', scope: 'all' });
  });

  it.each([
    ['a wrong secret', { ...goodForm, client_secret: 'nope' }, 'demo', 'invalid_client'],
    ['an unknown client', { ...goodForm, client_id: 'who' }, 'demo', 'invalid_client'],
    ['a wrong tenant', goodForm, 'other', 'invalid_client'],
    ['a missing tenant', goodForm, null, 'invalid_client'],
    ['another grant type', { ...goodForm, grant_type: 'password' }, 'demo', 'unsupported_grant_type'],
    ['a scope the application lacks', { ...goodForm, scope: 'admin' }, 'demo', 'invalid_scope'],
  ])('answers %s with 400 and an OAuth error body', async (_case, form, tenant, error) => {
    const res = await token(form, tenant);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error });
  });

  it('rejects a token request that is not form-encoded', async () => {
    const res = await fetch(`${halo.url}/auth/token?tenant=demo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(goodForm) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request' });
  });

  it('answers API calls without or with a bad token with an empty 401 and a Bearer challenge', async () => {
    const missing = await api('/api/Tickets');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.text()).toBe('');
    const bad = await api('/api/Agent', 'forged');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('expires tokens after their lifetime', async () => {
    const bearer = await accessToken();
    clockMs += 601_000;
    const res = await api('/api/Tickets', bearer);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="The token expired at '/);
  });

  it('pages tickets with record_count, and limits with count', async () => {
    const bearer = await accessToken();
    const page = await api('/api/Tickets?pageinate=true&page_size=1&page_no=2', bearer);
    expect(page.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await page.json()).toEqual({ record_count: 2, tickets: [expect.objectContaining({ id: 1002, summary: 'VPN drops every hour' })] });
    const counted = (await (await api('/api/Tickets?count=1', bearer)).json()) as { tickets: unknown[] };
    expect(counted.tickets).toHaveLength(1);
  });

  it('orders by a ticket field with orderdesc, paging the ordered listing, and refuses an unknown field or a non-boolean orderdesc', async () => {
    const bearer = await accessToken();
    const ids = async (query: string) => ((await (await api(`/api/Tickets?pageinate=true&${query}`, bearer)).json()) as { record_count: number; tickets: Array<{ id: number }> });
    expect(await ids('order=id&orderdesc=false&page_size=1&page_no=1')).toEqual({ record_count: 2, tickets: [expect.objectContaining({ id: 1001 })] });
    expect(await ids('order=id&orderdesc=false&page_size=1&page_no=2')).toEqual({ record_count: 2, tickets: [expect.objectContaining({ id: 1002 })] });
    expect((await ids('order=id&orderdesc=true')).tickets.map((t) => t.id)).toEqual([1002, 1001]);
    expect((await ids('order=last_update&orderdesc=False')).tickets.map((t) => t.id)).toEqual([1001, 1002]);
    const unknown = await api('/api/Tickets?order=ticket_id', bearer);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ errors: { order: [expect.stringContaining("not 'ticket_id'")] } });
    const notBoolean = await api('/api/Tickets?order=id&orderdesc=no', bearer);
    expect(notBoolean.status).toBe(400);
    expect(await notBoolean.json()).toMatchObject({ errors: { orderdesc: ["The value 'no' is not valid."] } });
  });

  it('pages a long search with page_size and page_no, counting every hit in record_count', async () => {
    const at = '2026-02-01T08:00:00';
    const tickets = Array.from({ length: 120 }, (_, n) => ({ id: 2001 + n, summary: `Ticket ${n}`, last_update: at, third_party_id: `HUB-${n}` }));
    const busy = await startEmulator({ tickets: [...tickets, { id: 3000, summary: 'Unrelated', last_update: at, third_party_id: 'other' }] });
    try {
      const bearer = ((await (await fetch(`${busy.url}/auth/token?tenant=demo`, { method: 'POST', body: new URLSearchParams(goodForm) })).json()) as { access_token: string }).access_token;
      const page = async (no: number) => (await (await fetch(`${busy.url}/api/Tickets?third_party_id=hub-&pageinate=true&page_size=50&page_no=${no}`, { headers: { Authorization: `Bearer ${bearer}` } })).json()) as { record_count: number; tickets: Array<{ id: number }> };
      const pages = [await page(1), await page(3), await page(4)];
      expect(pages.map((p) => p.record_count)).toEqual([120, 120, 120]);
      expect(pages.map((p) => p.tickets.map((t) => t.id))).toEqual([tickets.slice(0, 50).map((t) => t.id), tickets.slice(100).map((t) => t.id), []]);
    } finally {
      await busy.close();
    }
  });

  it('answers a malformed paging parameter with a ProblemDetails 400', async () => {
    const res = await api('/api/Tickets?pageinate=true&page_size=ten', await accessToken());
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ title: 'One or more validation errors occurred.', errors: { page_size: ["The value 'ten' is not valid."] } });
  });

  it('lists agents as a bare array', async () => {
    const agents = await (await api('/api/Agent?count=1', await accessToken())).json();
    expect(agents).toEqual([{ id: 2, name: 'Alex Morgan', email: 'alex.morgan@example.com', isdisabled: false }]);
  });

  it('answers 403 with an empty body when the application lacks the permission', async () => {
    const limited = await startEmulator({ permissions: ['read:tickets'], credentials: { client_secret: 'other-secret' } });
    try {
      const res = await fetch(`${limited.url}/auth/token?tenant=demo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...goodForm, client_secret: 'other-secret' }).toString(),
      });
      const body = (await res.json()) as { access_token: string; scope: string };
      expect(body.scope).toBe('read:tickets');
      const auth = { headers: { Authorization: `Bearer ${body.access_token}` } };
      expect((await fetch(`${limited.url}/api/Tickets`, auth)).status).toBe(200);
      const denied = await fetch(`${limited.url}/api/Agent`, auth);
      expect(denied.status).toBe(403);
      expect(await denied.text()).toBe('');
    } finally {
      await limited.close();
    }
  });

  it('injects faults such as a 429 with Retry-After', async () => {
    halo.emulator.injectFault({ pathPrefix: '/api/Tickets', status: 429, retryAfterSeconds: 7, body: 'Too many requests' });
    const limited = await api('/api/Tickets', await accessToken());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await api('/api/Tickets', await accessToken())).status).toBe(200);
  });

  it('upserts tickets from an array, answers 404 for unknown ids and restores the seed on reset', async () => {
    const bearer = await accessToken();
    const post = (body: unknown) => fetch(`${halo.url}/api/Tickets`, { method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post([{ summary: 'New one', third_party_id: 'hub-x' }]);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 1003, summary: 'New one', status_id: 1, agent_id: 0, third_party_id: 'hub-x', last_update: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/) });
    expect(await (await post({ summary: 'not an array' })).text()).toBe('The request body must be an array of tickets');
    const unknown = await post([{ id: 4242, summary: 'x' }]);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ title: 'Not Found', status: 404 });
    expect((await api('/api/Tickets/1003', bearer)).status).toBe(200);
    halo.emulator.reset();
    expect((await api('/api/Tickets/1003', await accessToken())).status).toBe(404);
  });

  it('answers injected statuses with ProblemDetails, and 401/403 with an empty body', async () => {
    halo.emulator.injectFault({ pathPrefix: '/api/Tickets', status: 503 });
    const failed = await api('/api/Tickets', await accessToken());
    expect(await failed.json()).toEqual({ type: expect.any(String), title: 'Service Unavailable', status: 503 });
    halo.emulator.injectFault({ pathPrefix: '/api/Tickets', status: 403 });
    expect(await (await api('/api/Tickets', await accessToken())).text()).toBe('');
  });
});
