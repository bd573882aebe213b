export const PAYLOAD_LIMIT_BYTES = 4_096;

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|credential|signature|cookie/i;

/**
 * A body as the sync log may keep it: values under secret-looking keys replaced, and anything over
 * 4 KB cut (kept as a JSON string preview), since bodies hold personal data.
 */
export function redactPayload(body: unknown): unknown {
  if (body === undefined || body === null || body === '') return null;
  const redacted = redact(body);
  const text = JSON.stringify(redacted);
  if (Buffer.byteLength(text) <= PAYLOAD_LIMIT_BYTES) return redacted;
  return { truncated: true, preview: Buffer.from(text).subarray(0, PAYLOAD_LIMIT_BYTES - 64).toString('utf8') };
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}
