import type { ErrorClassification, WriteOperation } from '../contracts/WriteOperation';

/** A write the platform (or the adapter) refused or failed, with the vendor's classification. */
export class WriteFailed extends Error {
  constructor(readonly failure: { error: ErrorClassification; vendorMessage: string; status?: number }, readonly request?: WriteOperation) {
    super(failure.vendorMessage);
  }
}

/** A job that cannot be sent at all (no request was made): it goes straight to the dead letter queue. */
export function undeliverable(message: string, kind: ErrorClassification['kind'], request?: WriteOperation): WriteFailed {
  return new WriteFailed({ error: { action: 'fail', kind, message }, vendorMessage: message }, request);
}

/** The integration's own write budget is spent: the job waits for it, which is not a failed attempt. */
export class RateLimited extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limit reached, next slot in ${waitMs} ms`);
  }
}
