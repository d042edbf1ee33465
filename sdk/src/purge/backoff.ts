/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * the n-th retry (n ≥ 1) waits a uniform share of min(max, base·2ⁿ⁻¹). Jitter keeps many origins
 * that lost the edge at once from retrying in lockstep. `random` is in [0, 1), injected for tests.
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(ceiling * random);
}
