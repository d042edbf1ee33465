import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketValue } from '@conductor/schema/contracts/latency-histogram';
import { figures, type BucketCount } from './figures.ts';

const at = (ms: number) => bucketIndex(ms);

describe('figures', () => {
  // 10 requests: 6 HIT at 1 ms, 1 STALE at 2 ms, 1 COALESCED at 50 ms, 2 MISS at 100 ms total with 90 ms origin.
  const buckets: BucketCount[] = [
    { status: 'HIT', series: 'total', bucket: at(1), count: 6 },
    { status: 'STALE', series: 'total', bucket: at(2), count: 1 },
    { status: 'COALESCED', series: 'total', bucket: at(50), count: 1 },
    { status: 'MISS', series: 'total', bucket: at(100), count: 2 },
    { status: 'MISS', series: 'origin', bucket: at(90), count: 2 },
  ];
  const totals = [
    { status: 'HIT' as const, requests: 6 },
    { status: 'STALE' as const, requests: 1 },
    { status: 'COALESCED' as const, requests: 1 },
    { status: 'MISS' as const, requests: 2 },
  ];
  const f = figures(totals, buckets);

  it('counts HIT, STALE and COALESCED as hits over every request', () => {
    expect(f.requests).toBe(10);
    expect(f.statuses).toEqual({ HIT: 6, MISS: 2, BYPASS: 0, STALE: 1, COALESCED: 1 });
    expect(f.hitRatio).toBe(0.8);
  });

  it('reads edge-served, origin and served quantiles from their own populations', () => {
    // edge-served: 1×6, 2, 50 → ranks 4 (p50), 8 (p95, p99)
    expect(f.edgeServed).toEqual({ count: 8, p50Ms: bucketValue(at(1)), p95Ms: bucketValue(at(50)), p99Ms: bucketValue(at(50)) });
    expect(f.origin).toEqual({ count: 2, p50Ms: bucketValue(at(90)), p95Ms: bucketValue(at(90)), p99Ms: bucketValue(at(90)) });
    // served: 1×6, 2, 50, 100×2 → rank 5 (p50) = 1 ms, rank 10 (p95) = 100 ms
    expect(f.served).toEqual({ count: 10, p50Ms: bucketValue(at(1)), p95Ms: bucketValue(at(100)), p99Ms: bucketValue(at(100)) });
  });

  it('defines the p95 delta as origin p95 − served p95, also as a share of origin p95', () => {
    expect(f.p95DeltaMs).toBeCloseTo(bucketValue(at(90)) - bucketValue(at(100)), 12);
    expect(f.p95DeltaPct).toBeCloseTo(((bucketValue(at(90)) - bucketValue(at(100))) / bucketValue(at(90))) * 100, 12);
  });

  it('answers null rather than zero where there is no data', () => {
    const hitsOnly = figures([{ status: 'HIT', requests: 3 }], [{ status: 'HIT', series: 'total', bucket: at(1), count: 3 }]);
    expect(hitsOnly.origin).toEqual({ count: 0, p50Ms: null, p95Ms: null, p99Ms: null });
    expect(hitsOnly.p95DeltaMs).toBeNull();
    expect(hitsOnly.p95DeltaPct).toBeNull();
    expect(figures([], []).hitRatio).toBeNull();
  });
});
