import type { ErrorClassification, WriteOperation } from '../contracts/WriteOperation';
import { VendorRejectedError } from '../errors/HubError';

/** A write the platform (or the adapter) refused or failed, with the vendor's classification. */
export class WriteFailed extends Error {
  constructor(readonly failure: PlatformFailure, readonly request?: WriteOperation) {
    super(failure.vendorMessage);
  }
}

/** A job that cannot be sent at all (no request was made): it goes straight to the dead letter queue. */
export function undeliverable(message: string, kind: ErrorClassification['kind'], request?: WriteOperation): WriteFailed {
  return new WriteFailed({ error: { action: 'fail', kind, message }, vendorMessage: message }, request);
}

/** The integration's own budget of platform calls is spent: the job waits for it, which is not a failed attempt. */
export class RateLimited extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limit reached, next slot in ${waitMs} ms`);
  }
}

/** What the platform said of a failed call: a refused write, or a refused read, find or list. */
export interface PlatformFailure {
  error: ErrorClassification;
  vendorMessage: string;
  status?: number;
}

/** The platform's classified failure behind an error; undefined for errors the platform did not classify (no answer, a hub fault). */
export function platformFailureOf(err: unknown): PlatformFailure | undefined {
  if (err instanceof WriteFailed) return err.failure;
  if (err instanceof VendorRejectedError) return { error: err.classification, vendorMessage: err.message, status: err.failure.status };
  return undefined;
}

/** The wait a rate-limited answer asks for; undefined for every other failure. A platform's rate limit is not a failed attempt. */
export function platformRateLimit(failure: PlatformFailure | undefined): { waitMs: number } | undefined {
  return failure?.error.action === 'rate_limited' ? { waitMs: failure.error.retryAfterMs ?? 0 } : undefined;
}
