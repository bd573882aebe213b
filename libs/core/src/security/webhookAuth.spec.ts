import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../contracts/InboundEvent';
import { invalidPayload, invalidSignature, parseWebhookJson, secretsEqual, sha256SignatureDigest, verifyHmacSha256Hex, webhookHeader } from './webhookAuth';

const request = (body: string, headers: Record<string, string> = {}): WebhookRequest => ({ headers, rawBody: Buffer.from(body), query: {} });
const hmac = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

describe('webhook auth helpers', () => {
  it('finds headers whatever their case', () => {
    const req = request('{}', { 'X-Hub-Signature': 'sha256=ab', authorization: 'Basic x' });
    expect(webhookHeader(req, 'x-hub-signature')).toBe('sha256=ab');
    expect(webhookHeader(req, 'Authorization')).toBe('Basic x');
    expect(webhookHeader(req, 'x-missing')).toBeUndefined();
  });

  it('builds failures with their codes, naming the platform when given', () => {
    expect(invalidSignature('bad')).toEqual({ ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message: 'bad' } });
    expect(invalidPayload('bad')).toEqual({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: 'bad' } });
    expect(invalidPayload('bad', 'Jira')).toEqual({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: 'Invalid Jira webhook payload: bad' } });
  });

  it('parses the raw body as JSON, or returns the given failure', () => {
    const notJson = invalidPayload('not JSON');
    expect(parseWebhookJson(request('{"a":1}'), notJson)).toEqual({ ok: true, value: { a: 1 } });
    expect(parseWebhookJson(request('{nope'), notJson)).toBe(notJson);
  });

  it('reads the digest of a sha256= signature header only when it has 64 hex digits', () => {
    const digest = hmac('body', 'secret');
    expect(sha256SignatureDigest(` sha256=${digest.toUpperCase()} `)).toBe(digest.toUpperCase());
    expect(sha256SignatureDigest(`sha1=${digest}`)).toBeUndefined();
    expect(sha256SignatureDigest(`sha256=${digest.slice(2)}`)).toBeUndefined();
  });

  it('verifies an HMAC-SHA256 hex digest of the raw body, refusing other secrets and malformed digests', () => {
    const body = Buffer.from('{"a":1}');
    expect(verifyHmacSha256Hex(body, 'secret', hmac('{"a":1}', 'secret'))).toBe(true);
    expect(verifyHmacSha256Hex(body, 'secret', hmac('{"a":1}', 'other'))).toBe(false);
    expect(verifyHmacSha256Hex(body, 'secret', 'abc')).toBe(false);
    expect(verifyHmacSha256Hex(body, 'secret', 'not hex')).toBe(false);
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('s3cret', 's3cret')).toBe(true);
    expect(secretsEqual('s3cre', 's3cret')).toBe(false);
    expect(secretsEqual('', 's3cret')).toBe(false);
  });
});
