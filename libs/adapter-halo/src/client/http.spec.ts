import type { HttpRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { HaloClient } from './http';
import { startEmulator, type HaloEmulatorHandle } from '../emulator';

describe('HaloClient', () => {
  let halo: HaloEmulatorHandle;
  let clockMs: number;

  beforeAll(async () => {
    halo = await startEmulator({ tokenLifetimeSeconds: 3600, now: () => new Date(clockMs) });
  });
  afterAll(() => halo.close());
  beforeEach(() => {
    clockMs = Date.parse('2026-03-01T10:00:00Z');
  });

  /** A client whose HTTP calls are recorded, so tests can count token requests. */
  function recordingClient() {
    const context = createTestAdapterContext({ baseUrl: halo.url, credentials: halo.credentials, clock: { now: () => new Date(clockMs) } });
    const calls: HttpRequest[] = [];
    const http = context.http;
    context.http = { request: (req) => (calls.push(req), http.request(req)) };
    const tokenCalls = () => calls.filter((c) => c.method === 'POST' && c.url.endsWith('/auth/token'));
    return { client: new HaloClient(context), calls, tokenCalls };
  }

  it('sends the documented token request: form body, scope all, tenant as a query parameter', async () => {
    const { client, tokenCalls } = recordingClient();
    const result = await client.requestToken();
    expect(result).toMatchObject({ ok: true, data: { token_type: 'Bearer', expires_in: 3600 } });
    expect(tokenCalls()[0]).toMatchObject({
      url: `${halo.url}/auth/token`,
      query: { tenant: 'demo' },
      form: { grant_type: 'client_credentials', client_id: 'hub-client', client_secret: 'hub-secret', scope: 'all' },
    });
  });

  it('reuses the cached token until shortly before it expires', async () => {
    const { client, tokenCalls } = recordingClient();
    await client.listTickets(1, 1);
    await client.listAgents(1);
    expect(tokenCalls()).toHaveLength(1);
    clockMs += (3600 - 61) * 1000;
    await client.listTickets(1, 1);
    expect(tokenCalls()).toHaveLength(1);
    clockMs += 2000;
    await client.listTickets(1, 1);
    expect(tokenCalls()).toHaveLength(2);
  });

  it('shares one token request between concurrent callers', async () => {
    const { client, tokenCalls } = recordingClient();
    const results = await Promise.all([client.listTickets(1, 1), client.listAgents(1), client.listTickets(1, 2)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenCalls()).toHaveLength(1);
  });

  it('mints one new token when a cached token is rejected', async () => {
    const { client, tokenCalls } = recordingClient();
    await client.listTickets(1, 1);
    halo.state.revokeTokens();
    const result = await client.listTickets(1, 1);
    expect(result.ok).toBe(true);
    expect(tokenCalls()).toHaveLength(2);
  });

  it('pages tickets with pageinate, page_size and page_no', async () => {
    const { client, calls } = recordingClient();
    const page2 = await client.listTickets(2, 1);
    expect(page2).toMatchObject({ ok: true, data: { record_count: 2, tickets: [{ id: 1002 }] } });
    expect(calls.at(-1)).toMatchObject({ method: 'GET', url: `${halo.url}/api/Tickets`, query: { pageinate: true, page_size: 1, page_no: 2 } });
  });
});
