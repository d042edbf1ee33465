import { describe, expect, it } from 'vitest';
import { bucketBounds, bucketIndex, emptyHistogram, mean, merge, quantile, record, RELATIVE_ACCURACY } from './latency-histogram.ts';

describe('latency histogram', () => {
  it('puts each value inside its bucket bounds', () => {
    for (const ms of [0.02, 0.5, 1, 1.0001, 7.3, 30, 99.99, 250, 1000, 30_000]) {
      const { lowerMs, upperMs } = bucketBounds(bucketIndex(ms));
      expect(ms).toBeGreaterThan(lowerMs);
      expect(ms).toBeLessThanOrEqual(upperMs * (1 + 1e-12));
    }
  });

  it('reads quantiles back within the relative accuracy of the exact nearest-rank value', () => {
    const h = emptyHistogram();
    const values: number[] = [];
    // A deterministic heavy-ish tail: 1 ms … ~2.7 s.
    for (let i = 1; i <= 1000; i++) {
      const v = Math.exp((i / 1000) * 7.9);
      values.push(v);
      record(h, v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99, 1]) {
      const exact = values[Math.ceil(q * values.length) - 1]!;
      const got = quantile(h, q)!;
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
    }
    expect(mean(h)).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('merges to the same histogram as recording everything in one', () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    const all = emptyHistogram();
    for (let i = 0; i < 200; i++) {
      const v = 5 + ((i * 37) % 113);
      record(i % 3 === 0 ? a : b, v);
      record(all, v);
    }
    const merged = merge(merge(emptyHistogram(), a), b);
    expect(merged.count).toBe(all.count);
    expect(merged.buckets).toEqual(all.buckets);
    expect(merged.sumMs).toBeCloseTo(all.sumMs, 9);
  });

  it('answers null for no data and rejects a quantile outside [0, 1]', () => {
    expect(quantile(emptyHistogram(), 0.95)).toBeNull();
    expect(mean(emptyHistogram())).toBeNull();
    const h = emptyHistogram();
    record(h, 3);
    expect(() => quantile(h, 1.5)).toThrow(RangeError);
  });

  it('folds zero and negative durations into the lowest bucket', () => {
    expect(bucketIndex(0)).toBe(bucketIndex(-4));
    expect(bucketIndex(0)).toBe(bucketIndex(0.001));
  });
});
