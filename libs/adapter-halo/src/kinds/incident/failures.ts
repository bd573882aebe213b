import { VendorRejectedError, VendorResponseError, type ErrorClassification, type VendorFailure, type WriteResult } from '@itsm-hub/core';
import type { HaloCallResult } from '../../client/http';

export type Classify = (failure: VendorFailure) => ErrorClassification;
export type Rejected = Extract<HaloCallResult<never>, { ok: false }>;
export type WriteFailure = Extract<WriteResult, { ok: false }>;

/** A failed Halo call (an HTTP status or no answer at all) as a write result, in the vendor's words. */
export function callFailure(classify: Classify, rejected: Rejected): WriteFailure {
  const result: WriteFailure = { ok: false, error: classify(rejected.failure), vendorMessage: rejected.message };
  if (rejected.status !== undefined) result.status = rejected.status;
  return result;
}

/** A failure the adapter found itself (an unknown agent email): permanent, the user must fix the data. */
export function userFailure(message: string): WriteFailure {
  return { ok: false, error: { action: 'fail', kind: 'user', message }, vendorMessage: message };
}

/**
 * Reads return records, not results, so a failed read travels as an error: the transport error itself
 * (the hub retries those), the refusal with its classification, or an answer the adapter cannot read.
 */
export function readFailed(classify: Classify, what: string, rejected: Rejected): Error {
  const { failure } = rejected;
  if (failure.type === 'transport') return failure.error;
  if (failure.status >= 300) return new VendorRejectedError(`Halo refused ${what} (HTTP ${failure.status})`, failure, classify(failure));
  return new VendorResponseError(`Halo answered ${what} unreadably: ${rejected.message}`);
}
