import { ErrorCodes, HubError, isHubError, type FieldError, type HubLogger } from '@itsm-hub/core';
import type { Context, Next } from 'koa';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

/** Maps any thrown error to an RFC 9457 problem, once, for every route. */
export function toProblem(err: unknown, instance?: string): Problem {
  const hubError = asHubError(err);
  return {
    type: `https://itsm-hub.dev/problems/${hubError.code.replace(/^HUB_ERR_/, '').toLowerCase().replace(/_/g, '-')}`,
    title: hubError.title,
    status: hubError.status,
    detail: hubError.message,
    code: hubError.code,
    ...(instance ? { instance } : {}),
    ...(hubError.errors.length > 0 ? { errors: hubError.errors } : {}),
  };
}

function asHubError(err: unknown): HubError {
  if (isHubError(err)) return err;
  const e = err as { status?: number; type?: string; expose?: boolean; message?: string; name?: string; code?: unknown };
  // Errors thrown by the body parser (co-body/raw-body) carry an HTTP status and a type.
  if (e?.status === 413 || e?.type === 'entity.too.large') {
    return new HubError(ErrorCodes.REQUEST_TOO_LARGE, 413, 'Request body too large', 'The request body exceeds 1 MiB.');
  }
  if (e?.status === 400 && (e?.name === 'SyntaxError' || /JSON|token|invalid/i.test(e?.message ?? ''))) {
    return new HubError(ErrorCodes.REQUEST_MALFORMED_JSON, 400, 'Malformed JSON', `The request body is not valid JSON: ${e.message}`, {
      errors: [{ field: '(body)', message: 'not valid JSON' }],
    });
  }
  if (isDecompressionError(e)) {
    return new HubError(ErrorCodes.REQUEST_UNDECODABLE_BODY, 400, 'Undecodable body', `The request body could not be decoded as its Content-Encoding says: ${e.message}`, {
      errors: [{ field: 'Content-Encoding', message: 'the body is not valid data in this encoding' }],
    });
  }
  if (e?.status === 415 && /^Unsupported Content-Encoding/.test(e.message ?? '')) {
    return new HubError(ErrorCodes.REQUEST_UNSUPPORTED_MEDIA, 415, 'Unsupported media type', `${e.message}; send the body uncompressed or as gzip, deflate or br.`, {
      errors: [{ field: 'Content-Encoding', message: 'unsupported encoding' }],
    });
  }
  if (e?.status === 415 || e?.name === 'UnsupportedBodyTypeError') {
    return new HubError(ErrorCodes.REQUEST_UNSUPPORTED_MEDIA, 415, 'Unsupported media type', 'Send the request body as application/json.');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HubError(ErrorCodes.VALIDATION_FAILED, e.status, 'Bad request', e.message ?? 'Bad request');
  }
  return new HubError(ErrorCodes.INTERNAL, 500, 'Internal error', 'The hub failed to handle this request; the error is in its log.');
}

/** zlib's errors (gzip, deflate: `Z_DATA_ERROR`, `Z_BUF_ERROR`, ...) and brotli's (`ERR__ERROR_FORMAT_...`) from decoding the body. */
function isDecompressionError(e: { code?: unknown; status?: number } | undefined): e is { code: string; message: string } {
  return typeof e?.code === 'string' && e.status === undefined && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(e.code);
}

export function problemMiddleware(logger: HubLogger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HubError(ErrorCodes.NOT_FOUND, 404, 'Not found', `No route for ${ctx.method} ${ctx.path}.`);
      }
      if (ctx.status === 405 && (ctx.body === undefined || ctx.body === 'Method Not Allowed')) {
        throw new HubError(ErrorCodes.VALIDATION_FAILED, 405, 'Method not allowed', `${ctx.method} is not allowed on ${ctx.path}.`);
      }
    } catch (err) {
      const problem = toProblem(err, ctx.path);
      if (problem.status >= 500) logger.error({ err, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = problem.status;
      // Refused before its body was read to the end (413, 415): the rest of the body is still on the
      // socket, so a kept-alive connection would stall the client's next request. Close it instead.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
      ctx.type = 'application/problem+json';
      ctx.body = problem;
    }
  };
}
