import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorCode, type ErrorBody } from '@conductor/sdk';

/** The one error type route code throws: an HTTP status plus a machine code from the shared taxonomy. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  /** Header fields the status itself requires, e.g. the Content-Range a 416 must carry (RFC 9110 §15.5.17). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(status, { message });
    this.code = code;
    this.headers = headers;
    this.name = 'ApiError';
  }
}

// Hono's own middleware (body parsing, body limit) throws plain HTTPExceptions; give them codes too.
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return ErrorCode.UNAUTHENTICATED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 409) return ErrorCode.CONFLICT;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status >= 500) return ErrorCode.INTERNAL;
  return ErrorCode.BAD_REQUEST;
}

/** app.onError: every failure leaves as `{error:{code,message,requestId}}`; internals are logged, never echoed. */
export function onError(err: Error, c: Context): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? '';
  let status: ContentfulStatusCode = 500;
  let body: ErrorBody['error'];
  let headers: Record<string, string> = {};
  if (err instanceof ApiError) {
    status = err.status;
    headers = { ...err.headers };
    body = { code: err.code, message: err.message, requestId };
  } else if (err instanceof HTTPException) {
    status = err.status;
    body = { code: codeForStatus(err.status), message: err.message || 'request failed', requestId };
  } else {
    console.error(`[control-plane] ${requestId} unhandled error`, err);
    body = { code: ErrorCode.INTERNAL, message: 'internal error', requestId };
  }
  return c.json({ error: body } satisfies ErrorBody, status, headers);
}

export function notFound(c: Context): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? '';
  return c.json({ error: { code: ErrorCode.NOT_FOUND, message: `no route for ${c.req.method} ${c.req.path}`, requestId } } satisfies ErrorBody, 404);
}
