import axios, { AxiosError, type AxiosRequestConfig } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError } from 'axios-retry';
import { TransportError } from '../errors/HubError';
import type { VendorFailure } from '../contracts/Adapter';
import type { Clock } from '../contracts/Clock';
import type { HttpClient, HttpRequest, HttpResponse } from '../contracts/HttpClient';
import type { Logger } from '../contracts/Logger';
import type { ErrorClassification } from '../contracts/WriteOperation';
import type { AuditSink } from './AuditSink';
import { currentAuditScope } from './auditScope';
import { classifyHttpFailure, isRetryable } from './httpFailures';
import { redactPayload } from './redactPayload';

export interface HttpClientOptions {
  baseUrl: string;
  organizationId: string;
  integrationId: string;
  audit?: AuditSink;
  logger?: Logger;
  clock?: Clock;
  timeoutMs?: number;
  /** Attempts after the first for calls marked `retry`. */
  retries?: number;
  /** Base delay of the exponential backoff for retried reads (ms). */
  retryBaseDelayMs?: number;
  userAgent?: string;
  /** Keep redacted request and response bodies (cut to 4 KB) in the sync log (HUB_AUDIT_PAYLOADS). */
  capturePayloads?: boolean;
  /**
   * How a failed call of this platform is classified (the adapter's `classifyError`): calls marked
   * `retry` are retried only when it says a retry can help, after the wait it says the platform
   * asked for. Without it, or while it answers undefined: the shared ladder (`classifyHttpFailure`).
   */
  classify?: (failure: VendorFailure) => ErrorClassification | undefined;
  /** Runs before every call, retries included (the platform counts each); a throw refuses the call. */
  beforeCall?: () => Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Longest wait between two tries of one call, so a platform asking for minutes cannot hold a read (or a connection test) that long. */
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * The HTTP client adapters get. Statuses are returned, never thrown; transport failures become
 * `TransportError`. Calls marked `retry` (reads, token calls) are retried by axios-retry when the
 * platform's classification of the failure says a retry can help.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const clock = options.clock ?? systemClock;
  const classifications = new WeakMap<AxiosError, ErrorClassification>();
  const classificationOf = (error: AxiosError): ErrorClassification => {
    let found = classifications.get(error);
    if (!found) {
      const response = error.response;
      const failure: VendorFailure = response
        ? { type: 'response', status: response.status, headers: normalizeHeaders(response.headers as Record<string, unknown>), body: parseBody(response.data as string | undefined, String(response.headers['content-type'] ?? '')) }
        : { type: 'transport', error };
      found = options.classify?.(failure) ?? classifyHttpFailure(failure, { now: clock.now(), message: response ? `HTTP ${response.status}` : error.message });
      classifications.set(error, found);
    }
    return found;
  };
  const instance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, '') + '/',
    timeout: options.timeoutMs ?? 15_000,
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { 'User-Agent': options.userAgent ?? 'itsm-hub' },
    // Responses are parsed below, so that a non-JSON body on an error status is kept as text.
    transformResponse: [(data: unknown) => data],
    responseType: 'text',
  });
  // Errors of `beforeCall` leave `request` as they are: a call that was not made is no transport failure.
  const refusals = new WeakSet<object>();
  instance.interceptors.request.use(async (config) => {
    try {
      await options.beforeCall?.();
    } catch (err) {
      if (typeof err === 'object' && err !== null) refusals.add(err);
      throw err;
    }
    return config;
  });
  // With validateStatus always true axios never rejects on a status, but axios-retry only acts on
  // rejections: turn retryable statuses of marked calls into rejections, and back after the last try.
  // Registered before axios-retry because response interceptors run in registration order.
  instance.interceptors.response.use((response) => {
    const config = response.config as AxiosRequestConfig & { hubRetry?: boolean };
    if (config.hubRetry && response.status >= 400) {
      const state = (config as { 'axios-retry'?: { retryCount?: number } })['axios-retry'];
      const failed = new AxiosError(`status ${response.status}`, 'ERR_BAD_RESPONSE', response.config, response.request, response);
      if ((state?.retryCount ?? 0) < (options.retries ?? 3) && isRetryable(classificationOf(failed))) return Promise.reject(failed);
    }
    return response;
  });

  axiosRetry(instance, {
    retries: options.retries ?? 3,
    retryDelay: (count, error) => {
      const asked = classificationOf(error).retryAfterMs;
      if (asked !== undefined && asked > 0) return Math.min(asked, MAX_RETRY_DELAY_MS);
      return exponentialDelay(count, error, options.retryBaseDelayMs ?? 200);
    },
    retryCondition: (error: AxiosError) => {
      const marked = (error.config as (AxiosRequestConfig & { hubRetry?: boolean }) | undefined)?.hubRetry === true;
      if (!marked) return false;
      if (!error.response && !isNetworkError(error) && error.code !== 'ECONNABORTED') return false;
      return isRetryable(classificationOf(error));
    },
  });
  return {
    async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const started = clock.now().getTime();
      const url = req.url.replace(/^\/+/, '');
      const config: AxiosRequestConfig & { hubRetry?: boolean } = {
        method: req.method,
        url,
        headers: { Accept: 'application/json', ...req.headers },
        params: req.query,
        timeout: req.timeoutMs,
        hubRetry: req.retry === true,
      };
      if (req.form) {
        config.data = new URLSearchParams(req.form).toString();
        config.headers = { ...config.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
      } else if (req.json !== undefined) {
        config.data = JSON.stringify(req.json);
        config.headers = { 'Content-Type': 'application/json', ...config.headers };
      }
      const path = new URL(url, instance.defaults.baseURL).pathname;
      const scope = currentAuditScope();
      try {
        const response = await instance.request<string>(config).catch((err: unknown) => {
          // A retried status that exhausted its attempts comes back as a rejection with a response.
          if (err instanceof AxiosError && err.response) return err.response;
          throw err;
        });
        const body = parseBody(response.data, String(response.headers['content-type'] ?? '')) as T;
        await audit(req.method, path, response.status, undefined, body);
        return { status: response.status, headers: normalizeHeaders(response.headers as Record<string, unknown>), body };
      } catch (err) {
        if (typeof err === 'object' && err !== null && refusals.has(err)) throw err;
        const message = describeTransportError(err, options.baseUrl);
        await audit(req.method, path, undefined, message);
        throw new TransportError(message, err);
      }

      async function audit(method: string, p: string, status: number | undefined, error: string | undefined, responseBody?: unknown) {
        if (!options.audit) return;
        try {
          await options.audit.record({
            organizationId: options.organizationId,
            integrationId: options.integrationId,
            method,
            path: p,
            status,
            error,
            durationMs: clock.now().getTime() - started,
            at: clock.now(),
            scope,
            ...(options.capturePayloads ? { requestPayload: redactPayload(req.json ?? req.form), responsePayload: redactPayload(responseBody) } : {}),
          });
        } catch (auditErr) {
          options.logger?.warn({ err: String(auditErr) }, 'could not write the audit log entry of an external call');
        }
      }
    },
  };
}

function parseBody(data: string | undefined, contentType: string): unknown {
  if (data === undefined || data === '') return undefined;
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(data);
    } catch {
      return data;
    }
  }
  return data;
}

function normalizeHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function describeTransportError(err: unknown, baseUrl: string): string {
  if (err instanceof AxiosError) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return `Timed out waiting for ${baseUrl}`;
    if (err.code === 'ECONNREFUSED') return `Connection refused by ${baseUrl}`;
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `Host of ${baseUrl} could not be resolved`;
    if (err.code === 'ECONNRESET') return `Connection to ${baseUrl} was reset`;
    return `Request to ${baseUrl} failed: ${err.code ?? err.message}`;
  }
  return `Request to ${baseUrl} failed: ${String(err)}`;
}
