import type { VendorFailure } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from '../index';

const now = new Date('2026-03-01T10:00:00Z');
const adapter = plugin.create(
  createTestAdapterContext({ baseUrl: 'http://127.0.0.1:1', credentials: { client_id: 'a', client_secret: 'b' }, clock: { now: () => now } }),
);

function response(status: number, body: unknown, headers: Record<string, string> = {}): VendorFailure {
  return { type: 'response', status, headers, body };
}

describe('HaloAdapter.classifyError', () => {
  it('rate limits a 429, honouring Retry-After in seconds or as an HTTP date', () => {
    expect(adapter.classifyError(response(429, undefined, { 'retry-after': '30' }))).toEqual({
      action: 'rate_limited',
      kind: 'transient',
      retryAfterMs: 30_000,
      message: 'HTTP 429 Too Many Requests',
    });
    const at = new Date(now.getTime() + 90_000).toUTCString();
    expect(adapter.classifyError(response(429, 'Slow down', { 'retry-after': at }))).toMatchObject({ retryAfterMs: 90_000, message: 'Slow down' });
    expect(adapter.classifyError(response(429, undefined)).retryAfterMs).toBeUndefined();
  });

  it('retries server errors and transport failures', () => {
    expect(adapter.classifyError(response(500, { Message: 'An error has occurred.' }))).toEqual({
      action: 'retry',
      kind: 'transient',
      message: 'An error has occurred.',
    });
    expect(adapter.classifyError(response(503, undefined))).toMatchObject({ action: 'retry', message: 'HTTP 503 Service Unavailable' });
    expect(adapter.classifyError({ type: 'transport', error: new Error('Connection refused by http://x') })).toEqual({
      action: 'retry',
      kind: 'transient',
      message: 'Connection refused by http://x',
    });
  });

  it('refreshes auth on a 401, reading the reason from the Bearer challenge', () => {
    const failure = response(401, undefined, { 'www-authenticate': `Bearer error="invalid_token", error_description="The token expired at 'x'"` });
    expect(adapter.classifyError(failure)).toEqual({ action: 'refresh_auth', kind: 'config', message: "The token expired at 'x'" });
    expect(adapter.classifyError(response(401, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' })).message).toBe('invalid_token');
  });

  it('fails a 403 as a configuration problem', () => {
    expect(adapter.classifyError(response(403, undefined))).toEqual({ action: 'fail', kind: 'config', message: 'HTTP 403 Forbidden' });
  });

  it('fails bad credentials from the token endpoint as configuration, not user input', () => {
    expect(adapter.classifyError(response(400, { error: 'invalid_client' }))).toEqual({ action: 'fail', kind: 'config', message: 'invalid_client' });
  });

  it.each([400, 404, 409, 422])('fails a %i as a user error with the vendor message', (status) => {
    const body = { title: 'One or more validation errors occurred.', status, errors: { summary: ['required'] } };
    expect(adapter.classifyError(response(status, body))).toEqual({ action: 'fail', kind: 'user', message: body.title });
  });

  it('keeps OAuth error descriptions and plain-text bodies', () => {
    expect(adapter.classifyError(response(400, { error: 'invalid_request', error_description: 'tenant is required' })).message).toBe(
      'invalid_request: tenant is required',
    );
    expect(adapter.classifyError(response(404, 'Ticket 99 not found')).message).toBe('Ticket 99 not found');
  });

  it('fails an unexpected success body as a system problem', () => {
    expect(adapter.classifyError(response(200, { tickets: 'nope' }))).toMatchObject({ action: 'fail', kind: 'system' });
  });
});
