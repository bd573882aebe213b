import type { ErrorClassification, HttpResponse, VendorFailure, WriteResult } from '@itsm-hub/core';
import { vendorMessage } from '../../client/failures';

export type Classify = (failure: VendorFailure) => ErrorClassification;

/** A failed HTTP answer as a write result, with the vendor's own message. */
export function responseFailure(classify: Classify, response: HttpResponse): Extract<WriteResult, { ok: false }> {
  const error = classify({ type: 'response', status: response.status, headers: response.headers, body: response.body });
  return { ok: false, error, vendorMessage: vendorMessage(response.body) ?? error.message, status: response.status };
}

/** A failure the adapter found itself (an unknown email): permanent, the user must fix the data. */
export function userFailure(message: string): Extract<WriteResult, { ok: false }> {
  return { ok: false, error: { action: 'fail', kind: 'user', message }, vendorMessage: message };
}
