import { STATUS_CODES } from 'node:http';
import { classifyHttpFailure, type ErrorClassification, type VendorFailure } from '@itsm-hub/core';
import { OAUTH_ERRORS } from './assumptions';

const MAX_MESSAGE_LENGTH = 500;

/** Token errors that no retry or token refresh can fix: the credentials themselves are wrong. */
const CREDENTIAL_ERRORS = new Set<string>([OAUTH_ERRORS.invalidClient, 'unauthorized_client', OAUTH_ERRORS.invalidScope]);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_MESSAGE_LENGTH) : undefined;
}

/** Reads `error="..."` and `error_description="..."` out of a Bearer challenge. */
function challengeParam(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`${name}="([^"]*)"`).exec(header ?? '');
  return match ? text(match[1]) : undefined;
}

/**
 * The vendor's own words for a failed call. Halo has several error shapes: RFC 6749 bodies from the auth
 * server, ASP.NET `{"Message":...}` or ProblemDetails bodies, plain text, and empty 401/403 bodies whose
 * only explanation is the `WWW-Authenticate` challenge (see ASSUMPTION api-401).
 */
export function vendorMessage(status: number, headers: Record<string, string>, body: unknown): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const oauth = text(b.error);
    if (oauth) return text(b.error_description) ? `${oauth}: ${text(b.error_description)}` : oauth;
    const found = text(b.message) ?? text(b.Message) ?? text(b.detail) ?? text(b.title);
    if (found) return found;
  }
  const plain = text(body);
  if (plain) return plain;
  const challenge = headers['www-authenticate'];
  const described = challengeParam(challenge, 'error_description') ?? challengeParam(challenge, 'error');
  if (described) return described;
  return `HTTP ${status} ${STATUS_CODES[status] ?? 'error'}`;
}

/**
 * Halo's own cases before the shared ladder: its access tokens expire, so a new one may help a 401,
 * and its token endpoint answers 400 for wrong client credentials, a configuration problem.
 */
export function classifyHaloError(failure: VendorFailure, now: Date): ErrorClassification {
  if (failure.type === 'transport') return classifyHttpFailure(failure, { now, message: failure.error.message });
  const { status, headers, body } = failure;
  const message = vendorMessage(status, headers, body);
  if (status === 401) return { action: 'refresh_auth', kind: 'config', message };
  const oauthError = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (status === 400 && typeof oauthError === 'string' && CREDENTIAL_ERRORS.has(oauthError)) return { action: 'fail', kind: 'config', message };
  return classifyHttpFailure(failure, { now, message });
}
