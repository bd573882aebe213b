import { classifyServiceNowError, vendorMessage } from './failures';

const now = new Date('2025-08-01T12:00:00Z');
const oauth = { now, canRefreshAuth: true };
const response = (status: number, body: unknown = undefined, headers: Record<string, string> = {}) => ({ type: 'response' as const, status, headers, body });
const tableError = (message: string, detail: string | null = null) => ({ error: { message, detail }, status: 'failure' });

describe('vendorMessage', () => {
  it('reads the Table API envelope, the token error and text bodies', () => {
    expect(vendorMessage(tableError('User Not Authenticated', 'Required to provide Auth information'))).toBe('User Not Authenticated (Required to provide Auth information)');
    expect(vendorMessage(tableError('Invalid table u_x'))).toBe('Invalid table u_x');
    expect(vendorMessage({ error_description: 'access_denied', error: 'server_error' })).toBe('access_denied (server_error)');
    expect(vendorMessage('<html>\n  <body>Instance hibernating</body></html>')).toBe('<html> <body>Instance hibernating</body></html>');
    expect(vendorMessage({ unexpected: true })).toBeUndefined();
  });
});

describe('classifyServiceNowError', () => {
  it('rate limits a 429 with the Retry-After delay', () => {
    const body = tableError('Too many requests');
    expect(classifyServiceNowError(response(429, body, { 'retry-after': '12' }), oauth)).toEqual({ action: 'rate_limited', kind: 'transient', retryAfterMs: 12_000, message: 'Too many requests' });
    expect(classifyServiceNowError(response(429, body, { 'Retry-After': 'Fri, 01 Aug 2025 12:01:00 GMT' }), oauth).retryAfterMs).toBe(60_000);
    // Without Retry-After, the rate-limit rule's window reset (a UNIX timestamp) says how long.
    expect(classifyServiceNowError(response(429, body, { 'X-RateLimit-Reset': String(now.getTime() / 1000 + 90) }), oauth).retryAfterMs).toBe(90_000);
  });

  it('retries 5xx and transport failures', () => {
    expect(classifyServiceNowError(response(503, 'Service Unavailable'), oauth)).toEqual({ action: 'retry', kind: 'transient', message: 'Service Unavailable' });
    expect(classifyServiceNowError({ type: 'transport', error: new Error('Connection refused by http://x') }, oauth)).toEqual({ action: 'retry', kind: 'transient', message: 'Connection refused by http://x' });
  });

  it('refreshes OAuth on an API 401, but fails Basic and token-endpoint 401s', () => {
    const apiBody = tableError('User Not Authenticated', 'Required to provide Auth information');
    expect(classifyServiceNowError(response(401, apiBody), oauth)).toMatchObject({ action: 'refresh_auth', kind: 'config', message: 'User Not Authenticated (Required to provide Auth information)' });
    expect(classifyServiceNowError(response(401, apiBody), { now, canRefreshAuth: false })).toMatchObject({ action: 'fail', kind: 'config' });
    expect(classifyServiceNowError(response(401, { error_description: 'access_denied', error: 'server_error' }), oauth)).toMatchObject({ action: 'fail', kind: 'config', message: 'access_denied (server_error)' });
  });

  it('fails 403 as config and 400/404/409/422 as user errors', () => {
    expect(classifyServiceNowError(response(403, tableError('Insufficient rights to query records', 'x')), oauth)).toEqual({ action: 'fail', kind: 'config', message: 'Insufficient rights to query records (x)' });
    for (const status of [400, 404, 409, 422]) {
      expect(classifyServiceNowError(response(status, tableError('No Record found')), oauth)).toEqual({ action: 'fail', kind: 'user', message: 'No Record found' });
    }
  });

  it('falls back to the status when the body says nothing, and names redirects', () => {
    expect(classifyServiceNowError(response(415), oauth)).toEqual({ action: 'fail', kind: 'user', message: 'ServiceNow answered HTTP 415' });
    expect(classifyServiceNowError(response(204), oauth)).toEqual({ action: 'fail', kind: 'system', message: 'ServiceNow answered HTTP 204' });
    expect(classifyServiceNowError(response(302, undefined, { location: 'https://x.service-now.com/login.do' }), oauth)).toEqual({
      action: 'fail',
      kind: 'config',
      message: 'ServiceNow answered HTTP 302; redirected to https://x.service-now.com/login.do',
    });
  });
});
