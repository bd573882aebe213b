import { ErrorCodes, HubError, type HttpResponse, type VendorFailure } from '@itsm-hub/core';
import { vendorMessage } from '../classifyError';

/**
 * A read, find or list the instance refused with an HTTP status. Those methods return records, not
 * results, so the refusal travels as this error; `failure` is ready for `classifyError`.
 */
export class VendorRejectedError extends HubError {
  readonly failure: VendorFailure;

  constructor(what: string, response: HttpResponse) {
    const message = vendorMessage(response.body) ?? `HTTP ${response.status}`;
    super(ErrorCodes.VENDOR_REJECTED, 502, 'Platform refused the request', `ServiceNow refused ${what}: ${message}`);
    this.failure = { type: 'response', status: response.status, headers: response.headers, body: response.body };
  }
}
