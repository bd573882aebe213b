import type { VendorFailure } from '../contracts/Adapter';
import type { ErrorClassification } from '../contracts/WriteOperation';
import { ErrorCodes, type ErrorCode } from './codes';

/** One problem with one input field, addressed by a dotted path such as `credentials.password`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every error the hub raises on purpose. `status` is the HTTP status it maps to, so the
 * one error middleware and the CLI never need to know the subclasses.
 */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[];

  constructor(
    code: ErrorCode,
    status: number,
    title: string,
    message: string,
    options: { cause?: unknown; errors?: FieldError[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.title = title;
    this.errors = options.errors ?? [];
  }
}

export class ValidationError extends HubError {
  constructor(message: string, errors: FieldError[] = [], code: ErrorCode = ErrorCodes.VALIDATION_FAILED) {
    super(code, 400, 'Invalid input', message, { errors });
  }
}

export class PayloadTooLargeError extends HubError {
  constructor(limitBytes: number) {
    super(ErrorCodes.REQUEST_TOO_LARGE, 413, 'Request body too large', `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends HubError {
  constructor(received: string) {
    super(
      ErrorCodes.REQUEST_UNSUPPORTED_MEDIA,
      415,
      'Unsupported media type',
      `Expected application/json, got ${received || 'no content type'}.`,
    );
  }
}

export class NotFoundError extends HubError {
  constructor(what: string, id: string) {
    super(ErrorCodes.NOT_FOUND, 404, 'Not found', `${what} '${id}' was not found.`);
  }
}

export class ConflictError extends HubError {
  constructor(message: string, errors: FieldError[] = []) {
    super(ErrorCodes.CONFLICT, 409, 'Conflict', message, { errors });
  }
}

export class AuthenticationError extends HubError {
  constructor(message: string, code: ErrorCode = ErrorCodes.AUTH_INVALID) {
    super(code, 401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends HubError {
  constructor(message: string) {
    super(ErrorCodes.FORBIDDEN, 403, 'Forbidden', message);
  }
}

export class UnknownAdapterTypeError extends HubError {
  constructor(type: string, known: string[]) {
    super(
      ErrorCodes.ADAPTER_UNKNOWN_TYPE,
      400,
      'Unknown integration type',
      `No adapter is loaded for type '${type}'. Loaded types: ${known.join(', ') || 'none'}.`,
      { errors: [{ field: 'type', message: `unknown type '${type}'; expected one of: ${known.join(', ')}` }] },
    );
  }
}

/** A call about a kind of record, or an operation on one, that an adapter does not implement. */
export class UnsupportedKindError extends HubError {
  constructor(platform: string, kind: string, operation: string) {
    super(ErrorCodes.ADAPTER_KIND_UNSUPPORTED, 422, 'Not supported by the adapter', `The ${platform} adapter does not ${operation} ${kind} records.`);
  }
}

export class ConfigurationError extends HubError {
  constructor(message: string, errors: FieldError[] = []) {
    super(ErrorCodes.CONFIG_INVALID, 500, 'Invalid configuration', message, { errors });
  }
}

export class DecryptionError extends HubError {
  constructor(cause?: unknown) {
    super(
      ErrorCodes.CRYPTO_DECRYPT_FAILED,
      500,
      'Cannot decrypt stored secret',
      'A stored secret could not be decrypted: HUB_ENCRYPTION_KEY is not the key it was encrypted with.',
      { cause },
    );
  }
}

/** The platform could not be reached or answered nothing usable (DNS, refused, timeout, reset). */
export class TransportError extends HubError {
  readonly transient = true;
  constructor(message: string, cause?: unknown) {
    super(ErrorCodes.VENDOR_TRANSPORT, 502, 'Platform unreachable', message, { cause });
  }
}

/** The platform answered with something that does not match its documented shape. */
export class VendorResponseError extends HubError {
  constructor(message: string, errors: FieldError[] = []) {
    super(ErrorCodes.VENDOR_RESPONSE_INVALID, 502, 'Unexpected platform response', message, { errors });
  }
}

/**
 * A read, find or list the platform refused with an HTTP status. Those calls answer records, not
 * results, so the refusal travels as this error, with the adapter's classification of it: the
 * engine waits as long as a rate-limited answer asks, retries a temporary one and dead-letters a
 * permanent one with its status and kind.
 */
export class VendorRejectedError extends HubError {
  constructor(
    /** What was refused, in the platform's name: "ServiceNow refused reading incident 1c74…". */
    description: string,
    readonly failure: Extract<VendorFailure, { type: 'response' }>,
    readonly classification: ErrorClassification,
  ) {
    super(ErrorCodes.VENDOR_REJECTED, 502, 'Platform refused the request', `${description}: ${classification.message}`);
  }
}

export function isHubError(err: unknown): err is HubError {
  return err instanceof HubError || (typeof err === 'object' && err !== null && typeof (err as HubError).code === 'string' && String((err as HubError).code).startsWith('HUB_ERR_') && typeof (err as HubError).status === 'number');
}
