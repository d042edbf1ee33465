import type { ValidationIssue } from './types.ts';

/**
 * Thrown by every entry point of the queueing module on invalid input (negative or non-finite
 * rates, c = 0, scv < 0, hit ratio outside [0, 1], …). The API layer maps it to HTTP 400 using
 * `code` and `issues`; `message` lists every issue on one line.
 */
export class QueueingValidationError extends Error {
  readonly code = 'QUEUEING_INVALID_INPUT' as const;
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(`invalid queueing input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'QueueingValidationError';
    this.issues = issues;
  }
}

export function isQueueingValidationError(err: unknown): err is QueueingValidationError {
  return err instanceof QueueingValidationError;
}
