import { erlangC } from './erlang.ts';

/**
 * Exact M/M/c FCFS formulas (Poisson arrivals λ, exponential service rate μ per server, c servers).
 * Unit-free: rates per unit time, times in the same unit.
 *
 * Waiting time (Kleinrock, Queueing Systems I, eq. 3.40; Gross & Harris, Fundamentals of Queueing
 * Theory, §2.3): P(Wq > t) = C·e^(−(cμ−λ)t), C = Erlang C.
 * Sojourn time T = Wq + S with S ~ Exp(μ) independent of Wq (the tagged customer's own service):
 *   P(T > t) = (1 − C)·e^(−μt) + C·P(Exp(θ) + Exp(μ) > t),   θ = cμ − λ,
 *   P(Exp(θ) + Exp(μ) > t) = e^(−μt)·[1 + μ(1 − e^(−(θ−μ)t))/(θ − μ)]     (θ ≠ μ)
 *                          = e^(−μt)·(1 + μt)                              (θ = μ, the Erlang-2 limit)
 * The bracket is evaluated with expm1 so that θ → μ is continuous and exact to rounding.
 */
export interface MmcParams {
  lambda: number;
  mu: number;
  servers: number;
}

export interface MmcStable {
  saturated: false;
  rho: number;
  offeredLoad: number;
  /** Erlang C. */
  probWait: number;
  /** θ = cμ − λ: rate of the conditional (exponential) wait. */
  theta: number;
  meanWait: number;
  meanSojourn: number;
  /** Mean number waiting (Lq = λ·Wq, Little). */
  meanQueueLength: number;
  waitSurvival(t: number): number;
  sojournSurvival(t: number): number;
  sojournCdf(t: number): number;
  /** Smallest t with P(T ≤ t) ≥ p, p ∈ (0, 1). */
  sojournQuantile(p: number): number;
  /** Smallest t with P(Wq ≤ t) ≥ p (0 when p ≤ 1 − C). */
  waitQuantile(p: number): number;
}

export interface MmcSaturated {
  saturated: true;
  rho: number;
  offeredLoad: number;
}

export function mmc(params: MmcParams): MmcStable | MmcSaturated {
  const { lambda, mu, servers: c } = params;
  if (!Number.isFinite(lambda) || lambda < 0) throw new RangeError(`lambda must be finite and ≥ 0, got ${lambda}`);
  if (!Number.isFinite(mu) || mu <= 0) throw new RangeError(`mu must be finite and > 0, got ${mu}`);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`servers must be an integer ≥ 1, got ${c}`);
  const a = lambda / mu;
  const rho = a / c;
  if (rho >= 1) return { saturated: true, rho, offeredLoad: a };
  const C = erlangC(c, a);
  const theta = c * mu - lambda;
  const meanWait = C / theta;
  const waitSurvival = (t: number) => (t < 0 ? 1 : C * Math.exp(-theta * t));
  const sojournSurvival = (t: number) => (t <= 0 ? 1 : (1 - C) * Math.exp(-mu * t) + C * hypoexpSurvival(theta, mu, t));
  const sojournCdf = (t: number) => 1 - sojournSurvival(t);
  return {
    saturated: false,
    rho,
    offeredLoad: a,
    probWait: C,
    theta,
    meanWait,
    meanSojourn: meanWait + 1 / mu,
    meanQueueLength: lambda * meanWait,
    waitSurvival,
    sojournSurvival,
    sojournCdf,
    sojournQuantile: (p) => {
      assertProbability(p);
      // T ≥ S, and S alone reaches p at −ln(1−p)/μ; the wait adds at most its own p-quantile.
      const lo = 0;
      const hi = -Math.log1p(-p) / mu + Math.max(0, Math.log(C / (1 - p)) / theta) + 1 / mu;
      return bisectQuantile(sojournCdf, p, lo, hi);
    },
    waitQuantile: (p) => {
      assertProbability(p);
      if (p <= 1 - C) return 0;
      return Math.log(C / (1 - p)) / theta;
    },
  };
}

/** P(Exp(θ) + Exp(μ) > t), stable for θ → μ. */
export function hypoexpSurvival(theta: number, mu: number, t: number): number {
  if (t <= 0) return 1;
  const delta = theta - mu;
  const x = delta * t;
  // (1 − e^(−δt))/δ → t as δ → 0; expm1 keeps full precision for small |δt|.
  const ratio = Math.abs(x) < 1e-12 ? t : -Math.expm1(-x) / delta;
  return Math.exp(-mu * t) * (1 + mu * ratio);
}

function assertProbability(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
}

/**
 * Smallest t in [lo, ∞) with cdf(t) ≥ p for a non-decreasing cdf (jumps allowed), by bisection;
 * `hi` is a first guess that is doubled until cdf(hi) ≥ p. `atoms` are the points where the cdf
 * jumps (a cache hit's fixed latency, a deterministic service time): when the answer is one of
 * them it is returned exactly instead of to bisection precision.
 */
export function bisectQuantile(cdf: (t: number) => number, p: number, lo: number, hi: number, atoms: readonly number[] = []): number {
  let upper = Math.max(hi, lo + Number.EPSILON);
  for (let i = 0; cdf(upper) < p; i++) {
    if (i > 200) throw new RangeError(`quantile ${p} not bracketed (cdf(${upper}) = ${cdf(upper)})`);
    lo = upper;
    upper *= 2;
  }
  if (cdf(lo) >= p) return lo;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + upper);
    if (mid <= lo || mid >= upper) break;
    if (cdf(mid) >= p) upper = mid;
    else lo = mid;
    if (upper - lo <= 1e-12 * upper) break;
  }
  for (const atom of atoms) if (atom > lo && atom <= upper && cdf(atom) >= p) return atom;
  return upper;
}
