/**
 * Log-bucketed latency histograms (DDSketch's layout, Masson et al., VLDB 2019): bucket i holds
 * values in (γ^(i-1), γ^i] milliseconds, so any quantile read back is within ±RELATIVE_ACCURACY of
 * a true sample value. Buckets are plain counts, so histograms merge by adding counts — per
 * minute at the edge, then over any report window in the control plane.
 *
 * The layout is part of the wire contract: the edge and the control plane must bucket alike,
 * which is why it lives here and not on either side. Pure: no I/O.
 */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** Values at or below this (ms) share the lowest bucket; sub-10µs differences do not matter here. */
export const MIN_TRACKED_MS = 0.01;
const MIN_INDEX = Math.ceil(Math.log(MIN_TRACKED_MS) / LOG_GAMMA);

/** Sparse bucket index → count. Keys are integer strings so the shape survives JSON unchanged. */
export type Buckets = Record<string, number>;

export interface Histogram {
  count: number;
  /** Exact sum of recorded values in ms, for means. */
  sumMs: number;
  buckets: Buckets;
}

export function emptyHistogram(): Histogram {
  return { count: 0, sumMs: 0, buckets: {} };
}

export function bucketIndex(ms: number): number {
  if (!(ms > MIN_TRACKED_MS)) return MIN_INDEX;
  return Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value reported for a bucket: the point whose relative error to both bounds is equal. */
export function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

/** Bounds (lower exclusive, upper inclusive) of the bucket a value falls in; for tests and docs. */
export function bucketBounds(index: number): { lowerMs: number; upperMs: number } {
  return { lowerMs: GAMMA ** (index - 1), upperMs: GAMMA ** index };
}

export function record(h: Histogram, ms: number, times = 1): void {
  const key = String(bucketIndex(ms));
  h.buckets[key] = (h.buckets[key] ?? 0) + times;
  h.count += times;
  h.sumMs += Math.max(0, ms) * times;
}

/** Adds `from` into `into` (mutates `into`); merging is associative and commutative. */
export function merge(into: Histogram, from: Histogram): Histogram {
  for (const [key, n] of Object.entries(from.buckets)) into.buckets[key] = (into.buckets[key] ?? 0) + n;
  into.count += from.count;
  into.sumMs += from.sumMs;
  return into;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) by nearest rank: the value of the bucket holding the ⌈q·n⌉-th
 * smallest sample. `null` for an empty histogram — "no data" is not zero latency.
 */
export function quantile(h: Histogram, q: number): number | null {
  if (h.count === 0) return null;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const rank = Math.max(1, Math.ceil(q * h.count));
  const indexes = Object.keys(h.buckets)
    .map(Number)
    .sort((a, b) => a - b);
  let seen = 0;
  for (const i of indexes) {
    seen += h.buckets[String(i)]!;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(indexes[indexes.length - 1]!);
}

export function mean(h: Histogram): number | null {
  return h.count === 0 ? null : h.sumMs / h.count;
}
