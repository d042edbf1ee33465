import { ErrorCode } from '@conductor/sdk';
import { ApiError } from '../http/errors.ts';

/*
 * Report windows: pure validation of the `from`/`to`/`step` query parameters. A stored minute
 * belongs to a window when its start lies in [from, to).
 */

export const DEFAULT_WINDOW_MS = 60 * 60_000;
/** Longest window of any report (retention is 14 days by default; a week keeps scans bounded). */
export const MAX_WINDOW_MS = 7 * 86_400_000;
/** Most points one chart series may have; longer windows need a coarser step. */
export const MAX_POINTS = 1440;

export interface Window {
  from: Date;
  to: Date;
}

/** `to` defaults to now and `from` to an hour before `to`. */
export function parseWindow(query: { from?: string; to?: string }, now: Date, maxMs = MAX_WINDOW_MS): Window {
  const to = query.to !== undefined ? new Date(query.to) : now;
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (!(from < to)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query.from: ${from.toISOString()} is not before to (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > maxMs) {
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query: the window from ${from.toISOString()} to ${to.toISOString()} is longer than the maximum of ${maxMs / 3_600_000} hours`);
  }
  return { from, to };
}

/** Checks that a chart of `window` at `stepMinutes` stays within MAX_POINTS points per series. */
export function checkStep(window: Window, stepMinutes: number): void {
  const points = Math.ceil((window.to.getTime() - window.from.getTime()) / (stepMinutes * 60_000));
  if (points > MAX_POINTS) {
    const needed = Math.ceil((window.to.getTime() - window.from.getTime()) / (MAX_POINTS * 60_000));
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query.step: ${points} points of ${stepMinutes} minute(s) exceed the maximum of ${MAX_POINTS}; use step=${needed} or more`);
  }
}
