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
