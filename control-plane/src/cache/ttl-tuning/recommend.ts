/**
 * TTL recommendation: a pure model, no I/O. docs/ttl-tuning.md explains it with a worked example.
 *
 * Model (one "effective" cache key per operation):
 * - requests for a key arrive as a Poisson process of rate λ;
 * - invalidations that end the key's entry (purges) arrive as a Poisson process of rate μ;
 * - an entry is filled by a miss and lives until min(TTL, next invalidation); the TTL is counted
 *   from the fill and not renewed by hits (HTTP max-age, the edge's Cache API).
 *
 * The lifetime L = min(T, X), X ~ Exp(μ), has E[L] = (1 − e^(−μT)) / μ (→ T as μ → 0). Each
 * renewal cycle of a key is one miss followed by the hits that arrive during L; arrivals are
 * independent of L, so a cycle holds λ·E[L] hits on average and the hit ratio is
 *
 *     h(T) = λ·E[L] / (1 + λ·E[L])
 *
 * which for μ = 0 is the classic TTL-cache result h = λT / (1 + λT) (Jung, Berger, Balakrishnan,
 * "Modeling TTL-based Internet Caches", INFOCOM 2003; Fofack, Nain, Neglia, Towsley, "Analysis of
 * TTL-based cache networks", VALUETOOLS 2012). As T → ∞, h → h∞ = λ/(λ + μ): with invalidations,
 * a longer TTL stops paying once entries die of purges rather than of age.
 *
 * Observed data gives h0 at the current TTL T0 and μ; inverting h0 gives λ. The recommendation is
 * the smallest "round" TTL whose predicted hit ratio reaches TARGET_FRACTION of h∞, within
 * [minTtlSeconds, maxTtlSeconds].
 */

export interface TtlTuningOptions {
  minTtlSeconds: number;
  maxTtlSeconds: number;
  /** Fewer cacheable requests than this in the window: the hit ratio is too noisy to invert. */
  minRequests: number;
  /** Share of the attainable hit ratio (h∞) the recommended TTL must reach. */
  targetFraction: number;
}

export const DEFAULT_TTL_TUNING: TtlTuningOptions = {
  minTtlSeconds: 5,
  maxTtlSeconds: 86_400,
  minRequests: 1_000,
  targetFraction: 0.95,
};

/** TTLs people can read at a glance; recommendations are always one of these (after clamping). */
export const ROUND_TTLS: readonly number[] = [
  5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1_200, 1_800, 2_700, 3_600, 7_200, 10_800, 14_400, 21_600, 28_800,
  43_200, 86_400,
];

export interface ObservedOperation {
  /** Current TTL of every version, or null when the versions disagree. */
  currentTtlSeconds: number | null;
  cachingEnabled: boolean;
  /** Length of the observation window. */
  windowSeconds: number;
  /** HIT + STALE + COALESCED + MISS: requests the cache could have served (BYPASS excluded). */
  requests: number;
  /** HIT + STALE + COALESCED. */
  hits: number;
  /** Per-key invalidation rate (1/s), see aggregate.ts. */
  mu: number;
  /** Every cached variant of the operation is purged through the invalidation map. */
  coveredByInvalidationMap: boolean;
}

export interface Recommendation {
  recommendedTtlSeconds: number | null;
  observedHitRatio: number | null;
  predictedAtCurrent: number | null;
  predictedAtRecommended: number | null;
  attainableHitRatio: number | null;
  /** Per-key request rate inferred from the observed hit ratio. */
  lambdaPerKey: number | null;
  reason: string;
}

/** E[min(T, X)] for X ~ Exp(μ): mean lifetime of an entry with TTL T under invalidation rate μ. */
export function expectedLifetime(ttlSeconds: number, mu: number): number {
  if (mu <= 0) return ttlSeconds;
  // -expm1(-x) = 1 - e^(-x) without cancellation when μT is tiny.
  return -Math.expm1(-mu * ttlSeconds) / mu;
}

/** h(T) = λE[L] / (1 + λE[L]). */
export function hitRatio(lambda: number, mu: number, ttlSeconds: number): number {
  const x = lambda * expectedLifetime(ttlSeconds, mu);
  return x / (1 + x);
}

/** lim h(T) as T → ∞: λ/(λ + μ), or 1 without invalidations. */
export function attainableHitRatio(lambda: number, mu: number): number {
  return mu <= 0 ? 1 : lambda / (lambda + mu);
}

/** Inverse of hitRatio in λ: λ = h / ((1 − h)·E[L]). Needs 0 ≤ h < 1 and T > 0. */
export function inferLambda(observedHitRatio: number, mu: number, ttlSeconds: number): number {
  return observedHitRatio / ((1 - observedHitRatio) * expectedLifetime(ttlSeconds, mu));
}

/** Candidate TTLs within the bounds, the bounds themselves included. */
export function candidateTtls(opts: TtlTuningOptions): number[] {
  const inside = ROUND_TTLS.filter((t) => t >= opts.minTtlSeconds && t <= opts.maxTtlSeconds);
  return [...new Set([opts.minTtlSeconds, ...inside, opts.maxTtlSeconds])].sort((a, b) => a - b);
}

const none = (reason: string, extra: Partial<Recommendation> = {}): Recommendation => ({
  recommendedTtlSeconds: null,
  observedHitRatio: null,
  predictedAtCurrent: null,
  predictedAtRecommended: null,
  attainableHitRatio: null,
  lambdaPerKey: null,
  reason,
  ...extra,
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function recommendTtl(op: ObservedOperation, opts: TtlTuningOptions = DEFAULT_TTL_TUNING): Recommendation {
  const t0 = op.currentTtlSeconds;
  if (!op.cachingEnabled) return none('caching is switched off for this operation: there is no hit ratio to learn from');
  if (t0 === null) return none('its versions have different TTLs, so the observed hit ratio mixes several; give them one TTL first');
  if (t0 === 0) return none('it is not cached (TTL 0): a hit ratio of 0 says nothing about how often keys repeat; set a TTL by hand first');
  if (op.requests < opts.minRequests) {
    return none(`too little data: ${op.requests} cacheable requests in the window, at least ${opts.minRequests} are needed`);
  }
  const observed = op.hits / op.requests;
  if (op.hits === 0) {
    return none(`no hits in ${op.requests} requests at TTL ${t0} s: keys do not repeat within the TTL, so no TTL can be inferred`, {
      observedHitRatio: 0,
    });
  }
  // All hits would mean λ = ∞; count half a miss (a continuity correction) so the inversion stays finite.
  const h0 = Math.min(observed, 1 - 0.5 / op.requests);
  const lambda = inferLambda(h0, op.mu, t0);
  const attainable = attainableHitRatio(lambda, op.mu);
  const target = opts.targetFraction * attainable;
  const candidates = candidateTtls(opts);
  const reaching = candidates.find((t) => hitRatio(lambda, op.mu, t) >= target);
  let recommended = reaching ?? opts.maxTtlSeconds;
  let why =
    reaching === undefined
      ? `no TTL up to the maximum ${opts.maxTtlSeconds} s reaches ${pct(opts.targetFraction)} of the attainable ${pct(attainable)}; the maximum comes closest`
      : `${recommended} s is the smallest round TTL whose predicted hit ratio (${pct(hitRatio(lambda, op.mu, recommended))}) reaches ` +
        `${pct(opts.targetFraction)} of the attainable ${pct(attainable)}`;
  if (!op.coveredByInvalidationMap && recommended > t0) {
    // Purges keep covered data fresh whatever the TTL; for uncovered data the TTL is the only
    // bound on staleness, so the model may only shorten it.
    recommended = t0;
    why += `; not raised above the current ${t0} s because the invalidation map does not cover this operation, so a longer TTL would serve staler data`;
  }
  const predictedAtRecommended = hitRatio(lambda, op.mu, recommended);
  const predictedAtCurrent = hitRatio(lambda, op.mu, t0);
  const verdict = recommended === t0 ? 'keep the current TTL' : `change ${t0} s → ${recommended} s`;
  return {
    recommendedTtlSeconds: recommended,
    observedHitRatio: observed,
    predictedAtCurrent,
    predictedAtRecommended,
    attainableHitRatio: attainable,
    lambdaPerKey: lambda,
    reason: `${verdict}: ${why} (λ = ${lambda.toPrecision(3)}/s per key, μ = ${op.mu.toPrecision(3)}/s)`,
  };
}
