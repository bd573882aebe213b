export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, or a path resolved against the integration's base URL. */
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialized by the client). */
  json?: unknown;
  /** `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>;
  /**
   * Retry this call on transient failures inside the client. Only for reads and token calls:
   * writes retry through the outbox, so attempts never multiply.
   */
  retry?: boolean;
  /** Per-call timeout in milliseconds (default from the client). */
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, the text otherwise, undefined when empty. */
  body: T;
}

/**
 * HTTP client handed to adapters. It never throws for an HTTP status: adapters read the status
 * and classify it. It throws `TransportError` when no response arrived (refused, DNS, timeout).
 * Every call is written to the audit log with secrets redacted.
 */
export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
}
