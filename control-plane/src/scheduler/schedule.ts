/*
 * When a job runs next. Pure.
 */

/** First retry after a failure; doubled per consecutive failure, never beyond the job's interval. */
export const RETRY_BASE_MS = 60_000;

/** The next interval boundary strictly after `now` (every 60 000 ms → the next whole minute). */
export function nextSlot(now: Date, everyMs: number): Date {
  return new Date(Math.floor(now.getTime() / everyMs) * everyMs + everyMs);
}

/** After the n-th consecutive failure: RETRY_BASE_MS · 2ⁿ⁻¹, at most `everyMs`. */
export function retryAt(now: Date, everyMs: number, consecutiveFailures: number): Date {
  const backoff = RETRY_BASE_MS * 2 ** Math.max(0, consecutiveFailures - 1);
  return new Date(now.getTime() + Math.min(everyMs, backoff));
}

export function leaseMsOf(job: { everyMs: number; leaseMs?: number }): number {
  return job.leaseMs ?? Math.max(job.everyMs, 60_000);
}
