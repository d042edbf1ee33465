import { METRICS_WINDOW } from '@conductor/schema/contracts/edge-metrics';
import { ErrorCode } from '@conductor/sdk';
import { ApiError } from '../http/errors.ts';

/*
 * Windows over the edge metrics: `[from, to)`, a stored minute belonging to a window when its start
 * lies inside. Defaults and limits are METRICS_WINDOW's (schema/contracts/edge-metrics.ts). Pure.
 */

export interface Window {
  from: Date;
  to: Date;
}

const MINUTE_MS = 60_000;

/**
 * `from`/`to` query parameters → a window: `to` defaults to now and `from` to `defaultMinutes`
 * before `to`; `from < to` and at most METRICS_WINDOW.maxMinutes long, else 400.
 */
export function parseWindow(query: { from?: string; to?: string }, now: Date, defaultMinutes: number = METRICS_WINDOW.recentMinutes): Window {
  const to = query.to !== undefined ? new Date(query.to) : now;
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - defaultMinutes * MINUTE_MS);
  if (!(from < to)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query.from: ${from.toISOString()} is not before to (${to.toISOString()})`);
  const maxMs = METRICS_WINDOW.maxMinutes * MINUTE_MS;
  if (to.getTime() - from.getTime() > maxMs) {
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query: the window from ${from.toISOString()} to ${to.toISOString()} is longer than the maximum of ${maxMs / 3_600_000} hours`);
  }
  return { from, to };
}

/** Checks that a chart of `window` at `stepMinutes` stays within METRICS_WINDOW.maxPoints points per series. */
export function checkStep(window: Window, stepMinutes: number): void {
  const spanMs = window.to.getTime() - window.from.getTime();
  const points = Math.ceil(spanMs / (stepMinutes * MINUTE_MS));
  if (points > METRICS_WINDOW.maxPoints) {
    const needed = Math.ceil(spanMs / (METRICS_WINDOW.maxPoints * MINUTE_MS));
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query.step: ${points} points of ${stepMinutes} minute(s) exceed the maximum of ${METRICS_WINDOW.maxPoints}; use step=${needed} or more`);
  }
}

/** The `minutes` whole minutes before `now`: the minute in progress is left out, the edge is still flushing it. */
export function lastWholeMinutes(now: Date, minutes: number): Window {
  const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return { from: new Date(end - minutes * MINUTE_MS), to: new Date(end) };
}

/** The `minutes` before `to`. */
export function windowEndingAt(to: Date, minutes: number): Window {
  return { from: new Date(to.getTime() - minutes * MINUTE_MS), to };
}

/** The `minutes` right before `window` starts (a baseline to compare it with). */
export function precedingWindow(window: Window, minutes: number): Window {
  return windowEndingAt(window.from, minutes);
}
