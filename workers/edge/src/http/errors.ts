import { ErrorCode, type ErrorBody } from '@conductor/sdk';

/** Thrown anywhere below the entry; the router turns it into the one JSON error shape. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'EdgeError';
  }
}

export function errorResponse(status: number, code: ErrorCode, message: string, headers?: Record<string, string>): Response {
  const body: ErrorBody = { error: { code, message } };
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

export function toErrorResponse(err: unknown): Response {
  if (err instanceof EdgeError) return errorResponse(err.status, err.code, err.message, err.headers);
  console.error('edge: unhandled error', err);
  return errorResponse(500, ErrorCode.INTERNAL, 'internal error');
}
