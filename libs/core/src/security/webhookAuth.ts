import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Result, WebhookFailure, WebhookRequest } from '../contracts/InboundEvent';

// Building blocks for adapters' webhook verification and parsing; the header names, the messages
// and the payload schemas stay with each adapter because they differ per platform.

/** A header of the delivery by case-insensitive name, since receivers do not agree on header case. */
export function webhookHeader(request: WebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(request.headers).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : request.headers[key];
}

/** The delivery could not be shown to come from the platform. */
export function invalidSignature(message: string): Result<never, WebhookFailure> {
  return { ok: false, error: { code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE', message } };
}

/** The delivery is authentic but unreadable; with a platform the message says whose payload it was. */
export function invalidPayload(message: string, platform?: string): Result<never, WebhookFailure> {
  return { ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: platform ? `Invalid ${platform} webhook payload: ${message}` : message } };
}

/** The raw body as JSON, or `notJson` when it is not: each adapter words that failure its own way. */
export function parseWebhookJson(request: WebhookRequest, notJson: Result<never, WebhookFailure>): Result<unknown, WebhookFailure> {
  try {
    return { ok: true, value: JSON.parse(request.rawBody.toString('utf8')) };
  } catch {
    return notJson;
  }
}

/** The hex digest of a `sha256=<64 hex digits>` signature header (the GitHub and WebSub format), if it has that form. */
export function sha256SignatureDigest(header: string): string | undefined {
  return /^sha256=([0-9a-f]{64})$/i.exec(header.trim())?.[1];
}

/** Whether `hexDigest` is the HMAC-SHA256 of the raw body under `secret`, compared in constant time. */
export function verifyHmacSha256Hex(rawBody: Buffer, secret: string, hexDigest: string): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // Malformed hex decodes short; timingSafeEqual throws on unequal lengths, and the length is no secret.
  const given = Buffer.from(hexDigest, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares a sent secret with the configured one without leaking, through timing, how much of it (or its length) matched. */
export function secretsEqual(given: string, secret: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}
