import { expect } from 'vitest';
import { ApiError } from '../http/errors.ts';

/** Runs `fn`, which must throw an ApiError, and returns what a client would see of it. */
export function apiFailure(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an ApiError');
}

/**
 * Asserts a response is the one error envelope (`{error:{code,message,requestId}}`, the request id
 * echoing `x-request-id`) with this status and code; returns the message for further checks.
 */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message).toBeTruthy();
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  return body.error.message;
}
