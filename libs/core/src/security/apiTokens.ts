import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'ihub_';

/** A new bearer token: 32 random bytes, prefixed so that leaked tokens are easy to scan for. */
export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so a plain SHA-256 is enough (no slow KDF needed) and allows lookup. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The part of a token shown in listings so users can tell tokens apart. */
export function tokenHint(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 4);
}
