import { classifyHttpFailure, headerValue, retryAfterMs } from './httpFailures';

const now = new Date('2026-12-02T10:00:00.000Z');
const response = (status: number, headers: Record<string, string> = {}) => ({ type: 'response' as const, status, headers, body: undefined });
const classify = (status: number, headers?: Record<string, string>) => classifyHttpFailure(response(status, headers), { now, message: 'vendor says no' });

describe('HTTP failures', () => {
  it('finds headers whatever their case, and treats blank ones as absent', () => {
    expect(headerValue({ 'Retry-After': ' 7 ' }, 'retry-after')).toBe('7');
    expect(headerValue({ 'retry-after': '  ' }, 'Retry-After')).toBeUndefined();
    expect(headerValue({}, 'retry-after')).toBeUndefined();
  });

  it('reads Retry-After as delta seconds (fractions too) or as an HTTP date, never negative', () => {
    expect(retryAfterMs({ 'retry-after': '30' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1_500);
    expect(retryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 10:00:45 GMT' }, now)).toBe(45_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 09:59:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });

  it("falls back to the rate-limit window's reset: ServiceNow's UNIX time, Jira's ISO time, PagerDuty's seconds", () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now.getTime() / 1000 + 120) }, now)).toBe(120_000);
    expect(retryAfterMs({ 'X-RateLimit-Reset': '2026-12-02T10:01Z' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'ratelimit-reset': '12' }, now)).toBe(12_000);
    expect(retryAfterMs({ 'retry-after': '3', 'x-ratelimit-reset': '2026-12-02T11:00Z' }, now)).toBe(3_000);
    // On an answer that is not rate limited the window's reset says nothing about a retry.
    expect(retryAfterMs({ 'x-ratelimit-reset': '2026-12-02T11:00Z' }, now, false)).toBeUndefined();
  });

  it('classifies the shared ladder with the vendor message and the wait asked for', () => {
    expect(classifyHttpFailure({ type: 'transport', error: new Error('ECONNRESET') }, { now, message: 'reset' })).toEqual({ action: 'retry', kind: 'transient', message: 'reset' });
    expect(classify(429, { 'Retry-After': '5' })).toEqual({ action: 'rate_limited', kind: 'transient', message: 'vendor says no', retryAfterMs: 5_000 });
    expect(classify(429)).toEqual({ action: 'rate_limited', kind: 'transient', message: 'vendor says no' });
    expect(classify(503, { 'retry-after': '2', 'x-ratelimit-reset': '2026-12-02T11:00Z' })).toEqual({ action: 'retry', kind: 'transient', message: 'vendor says no', retryAfterMs: 2_000 });
    expect(classify(503, { 'x-ratelimit-reset': '2026-12-02T11:00Z' })).toEqual({ action: 'retry', kind: 'transient', message: 'vendor says no' });
    expect(classify(408).action).toBe('retry');
    expect(classify(401)).toEqual({ action: 'fail', kind: 'config', message: 'vendor says no' });
    expect(classify(403).kind).toBe('config');
    expect(classify(404)).toEqual({ action: 'fail', kind: 'user', message: 'vendor says no' });
    expect(classify(422).kind).toBe('user');
    expect(classify(302).kind).toBe('system');
  });
});
