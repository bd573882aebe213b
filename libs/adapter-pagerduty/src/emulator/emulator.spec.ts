import { DEFAULT_CREDENTIALS, startEmulator, type RunningPagerDutyEmulator } from './index';

let pd: RunningPagerDutyEmulator;

beforeAll(async () => {
  pd = await startEmulator({ port: 0, credentials: { token: 'secret-key' } });
});
afterAll(async () => {
  await pd.close();
});

const headers = (token = 'secret-key') => ({ Authorization: `Token token=${token}`, Accept: 'application/vnd.pagerduty+json;version=2' });
async function get(path: string, init: { headers?: Record<string, string> } = { headers: headers() }) {
  const res = await fetch(`${pd.url}${path}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('PagerDuty emulator', () => {
  it.each([
    ['an empty token', { token: '' }, 'credentials.token: token must not be empty'],
    ['a key the adapter does not know', { token: 'k', username: 'admin' }, 'credentials.username: unknown field'],
  ])('refuses to start with %s, naming the field, as the hub would refuse it', async (_case, credentials, message) => {
    await expect(startEmulator({ credentials: credentials as { token: string } })).rejects.toThrow(message);
  });

  it('accepts the token as the hub stores it, trimmed', async () => {
    const padded = await startEmulator({ credentials: { token: '  spaced-key  ' } });
    try {
      expect(padded.credentials).toEqual({ token: 'spaced-key' });
      expect((await fetch(`${padded.url}/abilities`, { headers: headers('spaced-key') })).status).toBe(200);
    } finally {
      await padded.close();
    }
  });

  it('uses the given token and defaults the rest', async () => {
    expect(pd.credentials).toEqual({ token: 'secret-key' });
    expect(DEFAULT_CREDENTIALS).toEqual({ token: 'pd-api-token' });
    const fallback = await startEmulator();
    try {
      expect(fallback.credentials).toEqual(DEFAULT_CREDENTIALS);
      expect((await fetch(`${fallback.url}/abilities`, { headers: headers('pd-api-token') })).status).toBe(200);
    } finally {
      await fallback.close();
    }
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', headers('other')],
    ['a token that only starts like the right one', headers('secret-key2')],
    ['a Bearer header', { Authorization: 'Bearer secret-key' }],
  ])('answers 401 with PagerDuty’s error body for %s', async (_, h) => {
    const res = await get('/incidents', { headers: h as Record<string, string> });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
  });

  it('answers 404 Not Found (2100) for an unknown service and an unknown path', async () => {
    for (const path of ['/services/PNOPE99', '/no-such-thing']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { message: 'Not Found', code: 2100 } });
    }
  });

  it('answers 400 Invalid Input Provided (2001) with details for bad paging or statuses', async () => {
    const limit = await get('/incidents?limit=abc');
    expect(limit.status).toBe(400);
    expect(limit.body.error).toMatchObject({ message: 'Invalid Input Provided', code: 2001 });
    expect(limit.body.error.errors).toHaveLength(1);
    const statuses = await get('/incidents?statuses[]=open');
    expect(statuses.body.error.errors).toEqual(['Status must be a list of triggered, acknowledged, or resolved.']);
  });

  it('pages incidents by offset with more, and total only when asked', async () => {
    const first = await get('/incidents?limit=1');
    expect(first.body).toMatchObject({ limit: 1, offset: 0, more: true, total: null });
    expect(first.body.incidents.map((i: { id: string }) => i.id)).toEqual(['PINC001']);
    expect(first.body.incidents[0].self).toBe(`${pd.url}/incidents/PINC001`);
    expect(first.body.incidents[0].service).toMatchObject({ id: 'PSVC001', type: 'service_reference', self: `${pd.url}/services/PSVC001` });
    const second = await get('/incidents?limit=1&offset=1&total=true');
    expect(second.body).toMatchObject({ limit: 1, offset: 1, more: false, total: 2 });
    expect(second.body.incidents[0]).toMatchObject({ id: 'PINC002', status: 'resolved', assignments: [] });
    expect((await get('/incidents?limit=500')).body.limit).toBe(100);
  });

  it('filters incidents by statuses[] and service_ids[]', async () => {
    const triggered = await get('/incidents?statuses[]=triggered&statuses[]=acknowledged');
    expect(triggered.body.incidents.map((i: { id: string }) => i.id)).toEqual(['PINC001']);
    expect((await get('/incidents?service_ids[]=POTHER1')).body.incidents).toEqual([]);
    expect((await get('/incidents?service_ids[]=PSVC001')).body.incidents).toHaveLength(2);
  });

  it("refuses a page reaching past 10,000 records with PagerDuty's 400 Arguments Caused Error (2002)", async () => {
    expect((await get('/incidents?offset=9900&limit=100')).status).toBe(200);
    for (const path of ['/incidents?offset=9901&limit=100', '/incidents?offset=9950&limit=500', '/log_entries?offset=10000&limit=1']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          message: 'Arguments Caused Error',
          code: 2002,
          errors: ['Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search to reduce the returned set of records below this number, like adding a date range.'],
        },
      });
    }
  });

  it('takes a smaller ceiling as an option', async () => {
    const small = await startEmulator({ paginationCap: 5 });
    try {
      const h = { headers: headers('pd-api-token') };
      expect((await fetch(`${small.url}/incidents?offset=3&limit=2`, h)).status).toBe(200);
      const refused = await fetch(`${small.url}/incidents?offset=4&limit=2`, h);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { errors: string[] } }).error.errors[0]).toMatch(/^Offset\+limit exceeds maximum allowed value of 5\./);
    } finally {
      await small.close();
    }
  });

  it('lists incidents created in since..until (a month back by default), or all with date_range=all', async () => {
    const [latest, older] = pd.store.incidents.map((i) => Date.parse(i.createdAt));
    const ids = async (query: string) => (await get(`/incidents?${query}`)).body.incidents.map((i: { id: string }) => i.id);
    const at = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    expect(await ids(`since=${at(older)}&until=${at(latest)}`)).toEqual(['PINC002']);
    expect(await ids(`since=${at(older + 1000)}&until=${at(latest + 1000)}`)).toEqual(['PINC001']);
    pd.store.incidents.push({ ...pd.store.incidents[1], id: 'PINC009', number: 9, incidentKey: 'ancient', createdAt: new Date(older - 40 * 86_400_000).toISOString() });
    try {
      expect(await ids('')).toEqual(['PINC001', 'PINC002']);
      expect(await ids('date_range=all')).toEqual(['PINC001', 'PINC002', 'PINC009']);
      expect(await ids(`date_range=all&since=${at(latest)}`)).toEqual(['PINC001', 'PINC002', 'PINC009']);
    } finally {
      pd.emulator.reset();
    }
  });

  it.each([
    ['a range over 6 months', 'since=2025-01-01T00:00:00Z&until=2025-07-01T00:00:01Z', 'since must not be after until, and the range must not exceed 6 months.'],
    ['since after until', 'since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z', 'since must not be after until, and the range must not exceed 6 months.'],
    ['an unparseable since', 'since=yesterday', 'Invalid since or until parameter.'],
    ['a date_range other than all', 'date_range=today', "date_range must be 'all'."],
    ['a total that is not a boolean', 'total=yes', 'Total must be true or false.'],
    ['a parameter it does not implement', 'time_zone=UTC&urgencies[]=high', 'The emulator does not implement the query parameter(s) time_zone, urgencies[] of GET /incidents.'],
  ])('refuses %s on GET /incidents with 400 Invalid Input Provided (2001)', async (_case, query, detail) => {
    const res = await get(`/incidents?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { message: 'Invalid Input Provided', code: 2001, errors: [detail] } });
  });

  it('accepts exactly 6 months', async () => {
    expect((await get('/incidents?since=2025-01-01T00:00:00Z&until=2025-07-01T00:00:00Z')).status).toBe(200);
  });

  describe('sort_by on GET /incidents', () => {
    const ids = async (sortBy: string) => (await get(`/incidents?sort_by=${encodeURIComponent(sortBy)}`)).body.incidents.map((i: { id: string }) => i.id);
    afterEach(() => pd.emulator.reset());

    it('sorts on each field the spec names, ascending unless :desc, unresolved incidents after resolved ones', async () => {
      expect(await ids('created_at')).toEqual(['PINC002', 'PINC001']);
      expect(await ids('created_at:asc')).toEqual(['PINC002', 'PINC001']);
      expect(await ids('created_at:desc')).toEqual(['PINC001', 'PINC002']);
      expect(await ids('incident_number:desc')).toEqual(['PINC002', 'PINC001']);
      expect(await ids('resolved_at')).toEqual(['PINC002', 'PINC001']);
      expect(await ids('resolved_at:desc')).toEqual(['PINC001', 'PINC002']);
      expect(await ids('urgency')).toEqual(['PINC001', 'PINC002']);
    });

    it('sorts on a second field within ties of the first, and on the incident number after both', async () => {
      const [, resolved] = pd.store.incidents;
      pd.store.incidents.push({ ...resolved, id: 'PINC003', number: 3, incidentKey: 'disk-again', createdAt: new Date(Date.parse(resolved.createdAt) + 60_000).toISOString() });
      expect(await ids('urgency:desc')).toEqual(['PINC002', 'PINC003', 'PINC001']);
      expect(await ids('urgency:desc,created_at:desc')).toEqual(['PINC003', 'PINC002', 'PINC001']);
    });

    it.each([
      ['an unknown field', 'title', "'title' is not a valid sort_by: use incident_number, created_at, resolved_at, urgency, each optionally followed by :asc or :desc."],
      ['an unknown direction', 'created_at:up', "'created_at:up' is not a valid sort_by: use incident_number, created_at, resolved_at, urgency, each optionally followed by :asc or :desc."],
      ['an empty value', '', "'' is not a valid sort_by: use incident_number, created_at, resolved_at, urgency, each optionally followed by :asc or :desc."],
      ['more than two fields', 'created_at,urgency,incident_number', 'sort_by takes at most 2 fields.'],
      ['a repeated field', 'urgency,urgency', 'sort_by must not repeat a field.'],
    ])('refuses %s with 400 Invalid Input Provided (2001)', async (_case, sortBy, detail) => {
      const res = await get(`/incidents?sort_by=${encodeURIComponent(sortBy)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { message: 'Invalid Input Provided', code: 2001, errors: [detail] } });
    });
  });

  it('finds users by a substring of name or email', async () => {
    expect((await get('/users?query=oncall%40example.com')).body.users.map((u: { email: string }) => u.email)).toEqual(['oncall@example.com']);
    expect((await get('/users?query=engineer')).body.users).toHaveLength(1);
    expect((await get('/users?query=nobody')).body).toMatchObject({ users: [], more: false });
  });

  it('sends rate-limit headers and answers 429 Rate Limit Exceeded (2020) past the limit', async () => {
    const limited = await startEmulator({ rateLimitPerMinute: 2 });
    try {
      const h = { headers: headers('pd-api-token') };
      const first = await fetch(`${limited.url}/abilities`, h);
      expect(first.headers.get('ratelimit-limit')).toBe('2');
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      await fetch(`${limited.url}/abilities`, h);
      const third = await fetch(`${limited.url}/abilities`, h);
      expect(third.status).toBe(429);
      expect(third.headers.get('ratelimit-remaining')).toBe('0');
      expect(await third.json()).toEqual({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
    } finally {
      await limited.close();
    }
  });

  it('lets tests inject faults ahead of authentication', async () => {
    pd.emulator.injectFault({ pathPrefix: '/abilities', status: 503, retryAfterSeconds: 3 });
    const res = await fetch(`${pd.url}/abilities`, { headers: headers() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect((await fetch(`${pd.url}/abilities`, { headers: headers() })).status).toBe(200);
  });

  it('answers injected faults with PagerDuty’s error bodies, 429 included', async () => {
    pd.emulator.injectFault({ pathPrefix: '/abilities', status: 429, retryAfterSeconds: 2 });
    const limited = await get('/abilities');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
    pd.emulator.setFaultProfile({ error_rate: 1, error_status: 502 });
    const failed = await get('/abilities');
    pd.emulator.clearFaults();
    expect(failed.body).toEqual({ error: { message: 'An internal error has occurred. PagerDuty team has been notified.', code: 2000 } });
  });

  it('requires a From user on writes and restores the seeded account on reset', async () => {
    const body = JSON.stringify({ note: { content: 'x' } });
    const json = { ...headers(), 'Content-Type': 'application/json' };
    const anonymous = await fetch(`${pd.url}/incidents/PINC001/notes`, { method: 'POST', headers: json, body });
    expect(anonymous.status).toBe(400);
    const written = await fetch(`${pd.url}/incidents/PINC001/notes`, { method: 'POST', headers: { ...json, From: 'oncall@example.com' }, body });
    expect(written.status).toBe(200);
    expect((await get('/incidents/PINC001/notes')).body.notes).toHaveLength(2);
    await fetch(`${pd.url}/_emulator/reset`, { method: 'POST' });
    expect((await get('/incidents/PINC001/notes')).body.notes).toHaveLength(1);
  });
});
