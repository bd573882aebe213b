import { TransportError, type VendorFailure } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import plugin from '../index';

const now = new Date('2026-03-01T12:00:00Z');
const adapter = plugin.create(
  createTestAdapterContext({ baseUrl: 'http://127.0.0.1:1', credentials: { token: 't' }, clock: { now: () => now } }),
);

function response(status: number, body: unknown, headers: Record<string, string> = {}): VendorFailure {
  return { type: 'response', status, headers, body };
}
const pdError = (message: string, code: number, errors?: string[]) => ({ error: { message, code, ...(errors ? { errors } : {}) } });

describe('PagerDuty classifyError', () => {
  it('rate limits a 429 for Retry-After seconds', () => {
    expect(adapter.classifyError(response(429, pdError('Rate Limit Exceeded', 2020), { 'retry-after': '7' }))).toEqual({
      action: 'rate_limited',
      kind: 'transient',
      retryAfterMs: 7000,
      message: 'Rate Limit Exceeded',
    });
  });

  it('reads Retry-After as an HTTP date against the injected clock', () => {
    const c = adapter.classifyError(response(429, pdError('Rate Limit Exceeded', 2020), { 'Retry-After': 'Sun, 01 Mar 2026 12:00:30 GMT' }));
    expect(c.retryAfterMs).toBe(30_000);
  });

  it('falls back to PagerDuty’s ratelimit-reset header, then to no delay', () => {
    expect(adapter.classifyError(response(429, pdError('Rate Limit Exceeded', 2020), { 'ratelimit-reset': '20' })).retryAfterMs).toBe(20_000);
    const bare = adapter.classifyError(response(429, undefined));
    expect(bare).toEqual({ action: 'rate_limited', kind: 'transient', message: 'HTTP 429' });
  });

  it.each([500, 502, 503, 408])('retries %i as transient', (status) => {
    expect(adapter.classifyError(response(status, pdError('An internal error has occurred. PagerDuty team has been notified.', 2000)))).toMatchObject({
      action: 'retry',
      kind: 'transient',
      message: 'An internal error has occurred. PagerDuty team has been notified.',
    });
  });

  it('retries transport failures with their message', () => {
    expect(adapter.classifyError({ type: 'transport', error: new TransportError('Connection refused by http://x') })).toEqual({
      action: 'retry',
      kind: 'transient',
      message: 'Connection refused by http://x',
    });
  });

  it('fails a 401 as configuration: an API key cannot be refreshed', () => {
    expect(adapter.classifyError(response(401, pdError('Authentication failed', 2006)))).toEqual({ action: 'fail', kind: 'config', message: 'Authentication failed' });
  });

  it.each([
    [402, 'Missing Account Ability', 2014],
    [403, 'Access Denied', 2010],
  ])('fails %i as configuration', (status, message, code) => {
    expect(adapter.classifyError(response(status, pdError(message, code)))).toEqual({ action: 'fail', kind: 'config', message });
  });

  it.each([400, 404, 409, 422, 413])('fails %i as a user error with the details PagerDuty lists', (status) => {
    const c = adapter.classifyError(response(status, pdError('Invalid Input Provided', 2001, ['Title is required.'])));
    expect(c).toEqual({ action: 'fail', kind: 'user', message: 'Invalid Input Provided: Title is required.' });
  });

  it('reads field-keyed error details of newer endpoints', () => {
    const c = adapter.classifyError(response(400, { error: { message: 'Invalid Request', code: 2001, errors: { 'event.effective_since': ['too late'] } } }));
    expect(c.message).toBe('Invalid Request: event.effective_since: too late');
  });

  it('keeps a non-PagerDuty body (a proxy’s HTML or text) as the message', () => {
    expect(adapter.classifyError(response(502, '<html>Bad gateway</html>')).message).toBe('<html>Bad gateway</html>');
    expect(adapter.classifyError(response(404, { error: 'injected fault' })).message).toBe('HTTP 404');
  });

  it('treats an unexpected status outside 4xx/5xx as a system failure', () => {
    expect(adapter.classifyError(response(302, undefined))).toMatchObject({ action: 'fail', kind: 'system' });
  });
});
