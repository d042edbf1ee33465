import { describe, expect, it } from 'vitest';
import {
  attainableHitRatio,
  candidateTtls,
  DEFAULT_TTL_TUNING,
  expectedLifetime,
  hitRatio,
  inferLambda,
  recommendTtl,
  type ObservedOperation,
} from './recommend.ts';

// Vectors computed independently (Python, math.expm1) from the formulas in recommend.ts.
const base: ObservedOperation = {
  currentTtlSeconds: 60,
  cachingEnabled: true,
  windowSeconds: 86_400,
  requests: 10_000,
  hits: 7_500,
  mu: 0,
  coveredByInvalidationMap: true,
};

describe('model', () => {
  it.each([
    [60, 0, 60],
    [60, 1 / 600, 57.09754917842425],
    [600, 1 / 600, 379.2723352971346],
    [1e9, 1 / 600, 600],
  ])('E[min(T=%d, Exp(μ=%d))] = %d', (ttl, mu, expected) => {
    expect(expectedLifetime(ttl, mu)).toBeCloseTo(expected, 9);
  });

  it('is the classic λT/(1+λT) without invalidations', () => {
    expect(hitRatio(0.05, 0, 600)).toBeCloseTo(30 / 31, 12);
    expect(hitRatio(0.05, 0, 300)).toBeCloseTo(0.9375, 12);
    expect(attainableHitRatio(0.05, 0)).toBe(1);
  });

  it('caps the hit ratio at λ/(λ+μ) when purges end entries', () => {
    expect(attainableHitRatio(0.05254165972387525, 1 / 600)).toBeCloseTo(0.9692544157393972, 12);
    expect(hitRatio(0.05254165972387525, 1 / 600, 1e12)).toBeCloseTo(0.9692544157393972, 9);
  });

  it('inverts: the inferred λ reproduces the observed hit ratio at the current TTL', () => {
    for (const [h0, mu, ttl] of [
      [0.75, 0, 60],
      [0.75, 1 / 600, 60],
      [0.5, 1 / 30, 300],
      [0.01, 1 / 5, 3600],
    ] as const) {
      expect(hitRatio(inferLambda(h0, mu, ttl), mu, ttl)).toBeCloseTo(h0, 12);
    }
    expect(inferLambda(0.75, 1 / 600, 60)).toBeCloseTo(0.05254165972387525, 12);
  });

  it('only proposes round TTLs within the bounds, bounds included', () => {
    expect(candidateTtls({ ...DEFAULT_TTL_TUNING, minTtlSeconds: 7, maxTtlSeconds: 100 })).toEqual([7, 10, 15, 20, 30, 45, 60, 90, 100]);
    expect(candidateTtls(DEFAULT_TTL_TUNING).at(0)).toBe(5);
    expect(candidateTtls(DEFAULT_TTL_TUNING).at(-1)).toBe(86_400);
  });
});

describe('recommendTtl', () => {
  it('worked example of docs/ttl-tuning.md: 75% hits at 60 s, one purge per key every 10 min → 300 s', () => {
    const r = recommendTtl({ ...base, mu: 1 / 600 });
    expect(r.recommendedTtlSeconds).toBe(300);
    expect(r.lambdaPerKey).toBeCloseTo(0.05254165972387525, 12);
    expect(r.attainableHitRatio).toBeCloseTo(0.9692544157393972, 12);
    expect(r.observedHitRatio).toBe(0.75);
    expect(r.predictedAtCurrent).toBeCloseTo(0.75, 12);
    expect(r.predictedAtRecommended).toBeCloseTo(0.9253960684314931, 12);
    expect(r.reason).toMatch(/^change 60 s → 300 s: 300 s is the smallest round TTL/);
    // 180 s (0.891) falls short of 95% of 0.969 = 0.921.
    expect(hitRatio(r.lambdaPerKey!, 1 / 600, 180)).toBeLessThan(0.95 * r.attainableHitRatio!);
  });

  it('without invalidations, asks for λT ≥ 19 (95% of 1): λ = 0.05/s → 600 s', () => {
    const r = recommendTtl(base);
    expect(r.recommendedTtlSeconds).toBe(600);
    expect(r.predictedAtRecommended).toBeCloseTo(30 / 31, 12);
  });

  it('shortens the TTL when purges end entries long before it expires', () => {
    const r = recommendTtl({ ...base, currentTtlSeconds: 300, hits: 5_000, mu: 1 / 30 });
    expect(r.recommendedTtlSeconds).toBe(90);
    expect(r.predictedAtRecommended).toBeCloseTo(0.48724682171416317, 12);
    expect(r.predictedAtCurrent).toBeCloseTo(0.5, 12);
    expect(r.reason).toMatch(/^change 300 s → 90 s/);
  });

  it('goes up to the round TTL that serves rarely repeated keys: 10% hits at 60 s → 10800 s', () => {
    const r = recommendTtl({ ...base, hits: 1_000 });
    expect(r.recommendedTtlSeconds).toBe(10_800);
    expect(r.predictedAtRecommended).toBeCloseTo(0.9523809523809523, 12);
  });

  it('falls back to the maximum when even it cannot reach the target', () => {
    const r = recommendTtl({ ...base, hits: 1_000 }, { ...DEFAULT_TTL_TUNING, maxTtlSeconds: 3_600 });
    expect(r.recommendedTtlSeconds).toBe(3_600);
    expect(r.reason).toContain('no TTL up to the maximum 3600 s');
  });

  it('stays finite when every request hit (continuity correction) and then needs only the minimum', () => {
    const r = recommendTtl({ ...base, hits: base.requests });
    expect(r.lambdaPerKey).toBeCloseTo(0.99995 / (0.00005 * 60), 6); // h0 = 1 − 0.5/10000
    expect(r.recommendedTtlSeconds).toBe(5);
    expect(r.observedHitRatio).toBe(1);
  });

  it('keeps the current TTL when it is already the recommendation', () => {
    const r = recommendTtl({ ...base, currentTtlSeconds: 300, mu: 1 / 600, hits: 9_254 });
    expect(r.recommendedTtlSeconds).toBe(300);
    expect(r.reason).toMatch(/^keep the current TTL/);
  });

  it('never raises the TTL of an operation the invalidation map does not cover, but may lower it', () => {
    const up = recommendTtl({ ...base, coveredByInvalidationMap: false });
    expect(up.recommendedTtlSeconds).toBe(60);
    expect(up.reason).toContain('invalidation map does not cover');
    const down = recommendTtl({ ...base, currentTtlSeconds: 300, hits: 5_000, mu: 1 / 30, coveredByInvalidationMap: false });
    expect(down.recommendedTtlSeconds).toBe(90);
  });

  it.each<[string, Partial<ObservedOperation>, RegExp]>([
    ['too few requests', { requests: 999, hits: 700 }, /too little data: 999 cacheable requests.*at least 1000/],
    ['no hits', { hits: 0 }, /no hits in 10000 requests/],
    ['an uncached operation', { currentTtlSeconds: 0, hits: 0 }, /not cached \(TTL 0\)/],
    ['versions with different TTLs', { currentTtlSeconds: null }, /different TTLs/],
    ['caching switched off', { cachingEnabled: false }, /switched off/],
  ])('makes no recommendation for %s, and says why', (_, change, reason) => {
    const r = recommendTtl({ ...base, ...change });
    expect(r.recommendedTtlSeconds).toBeNull();
    expect(r.predictedAtRecommended).toBeNull();
    expect(r.reason).toMatch(reason);
  });
});
