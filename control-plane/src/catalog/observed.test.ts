import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketValue } from '@conductor/schema/contracts/latency-histogram';
import { DEFAULT_HIT_LATENCY_MS, deriveInputs, MIN_ORIGIN_SAMPLES, serviceTimeFromBuckets } from './observed.ts';

const FALLBACK = { serviceTimeMeanMs: 30, serviceTimeScv: 0.5, arrivalRatePerSecond: 7 };

describe('serviceTimeFromBuckets', () => {
  it('reads one bucket as a constant service time (scv 0)', () => {
    const b = bucketIndex(40);
    expect(serviceTimeFromBuckets([{ bucket: b, count: 50 }])).toEqual({ samples: 50, meanMs: bucketValue(b), scv: 0 });
  });

  it('gives the two-point distribution its exact moments', () => {
    // Half at x, half at y: mean (x+y)/2, variance ((y−x)/2)², scv = ((y−x)/(y+x))².
    const [bx, by] = [bucketIndex(10), bucketIndex(30)];
    const [x, y] = [bucketValue(bx), bucketValue(by)];
    const est = serviceTimeFromBuckets([
      { bucket: bx, count: 100 },
      { bucket: by, count: 100 },
    ])!;
    expect(est.samples).toBe(200);
    expect(est.meanMs).toBeCloseTo((x + y) / 2, 9);
    expect(est.scv).toBeCloseTo(((y - x) / (y + x)) ** 2, 9);
    // Within the histogram's ±1 % of the true values 20 ms and scv 0.25.
    expect(Math.abs(est.meanMs - 20) / 20).toBeLessThan(0.01);
    expect(est.scv).toBeCloseTo(0.25, 2);
  });

  it('is null without samples', () => {
    expect(serviceTimeFromBuckets([])).toBeNull();
    expect(serviceTimeFromBuckets([{ bucket: 3, count: 0 }])).toBeNull();
  });
});

describe('deriveInputs', () => {
  it('falls back to the catalog without traffic, and assumes no cache', () => {
    expect(deriveInputs({ requests: 0, edgeServed: 0, edgeServedMs: 0 }, [], FALLBACK, 60)).toEqual({
      requests: 0,
      originSamples: 0,
      arrivalRatePerSecond: { value: 7, source: 'catalog' },
      hitRatio: { value: 0, source: 'default' },
      hitLatencyMs: { value: DEFAULT_HIT_LATENCY_MS, source: 'default' },
      serviceTimeMeanMs: { value: 30, source: 'catalog' },
      serviceTimeScv: { value: 0.5, source: 'catalog' },
    });
  });

  it('uses traffic over the whole window, and the histogram only with enough origin samples', () => {
    const few = deriveInputs({ requests: 3600, edgeServed: 2700, edgeServedMs: 8100 }, [{ bucket: bucketIndex(25), count: MIN_ORIGIN_SAMPLES - 1 }], FALLBACK, 60);
    expect(few.arrivalRatePerSecond).toEqual({ value: 1, source: 'observed' });
    expect(few.hitRatio).toEqual({ value: 0.75, source: 'observed' });
    expect(few.hitLatencyMs).toEqual({ value: 3, source: 'observed' });
    expect(few.serviceTimeMeanMs.source).toBe('catalog');
    const enough = deriveInputs({ requests: 3600, edgeServed: 2700, edgeServedMs: 8100 }, [{ bucket: bucketIndex(25), count: MIN_ORIGIN_SAMPLES }], FALLBACK, 60);
    expect(enough.serviceTimeMeanMs).toEqual({ value: bucketValue(bucketIndex(25)), source: 'observed' });
    expect(enough.serviceTimeScv).toEqual({ value: 0, source: 'observed' });
  });

  it('keeps the default hit latency while every request went to the origin', () => {
    const allMisses = deriveInputs({ requests: 600, edgeServed: 0, edgeServedMs: 0 }, [], FALLBACK, 60);
    expect(allMisses.hitRatio).toEqual({ value: 0, source: 'observed' });
    expect(allMisses.hitLatencyMs).toEqual({ value: DEFAULT_HIT_LATENCY_MS, source: 'default' });
  });
});
