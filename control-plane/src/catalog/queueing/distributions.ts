import { hypoexpSurvival } from './mmc.ts';
import { gammaP, normalCdf } from './special.ts';
import type { ServiceDistribution } from './types.ts';

/**
 * Service-time CDFs matched to a mean m and squared coefficient of variation s = Var/m²:
 * - exponential: s = 1, F(t) = 1 − e^(−t/m)
 * - gamma: shape k = 1/s, scale m·s, F(t) = P(k, t/(m·s)) (regularised incomplete gamma)
 * - lognormal: σ² = ln(1 + s), μ = ln m − σ²/2, F(t) = Φ((ln t − μ)/σ)
 * - deterministic: s = 0, a step at m
 */
export interface ServiceModel {
  distribution: ServiceDistribution;
  mean: number;
  scv: number;
}

export function serviceCdf(model: ServiceModel): (t: number) => number {
  const { mean: m, scv: s } = model;
  if (model.distribution === 'deterministic' || s === 0) return (t) => (t >= m ? 1 : 0);
  switch (model.distribution) {
    case 'exponential':
      return (t) => (t <= 0 ? 0 : -Math.expm1(-t / m));
    case 'gamma': {
      const k = 1 / s;
      const scale = m * s;
      return (t) => (t <= 0 ? 0 : gammaP(k, t / scale));
    }
    case 'lognormal': {
      const sigma = Math.sqrt(Math.log1p(s));
      const mu = Math.log(m) - (sigma * sigma) / 2;
      return (t) => (t <= 0 ? 0 : normalCdf((Math.log(t) - mu) / sigma));
    }
  }
}

/**
 * CDF of T = W + S where W = 0 with probability 1 − pWait and W ~ Exp(theta) otherwise, S
 * independent with the given CDF:
 *   F_T(t) = (1 − pWait)·F_S(t) + pWait·∫₀ᵗ θe^(−θx)·F_S(t − x) dx.
 * Closed forms for exponential (hypoexponential) and deterministic service; otherwise the
 * convolution integral by adaptive Simpson over fixed panels (absolute error ≲ 1e-10).
 */
export function waitPlusServiceCdf(model: ServiceModel, pWait: number, theta: number): (t: number) => number {
  const Fs = serviceCdf(model);
  const m = model.mean;
  if (pWait === 0) return Fs;
  if (model.distribution === 'deterministic' || model.scv === 0) {
    return (t) => (t < m ? 0 : (1 - pWait) + pWait * -Math.expm1(-theta * (t - m)));
  }
  if (model.distribution === 'exponential' || (model.distribution === 'gamma' && model.scv === 1)) {
    const mu = 1 / m;
    return (t) => (t <= 0 ? 0 : 1 - ((1 - pWait) * Math.exp(-mu * t) + pWait * hypoexpSurvival(theta, mu, t)));
  }
  return (t) => {
    if (t <= 0) return 0;
    const conv = pWait > 0 ? integrate((x) => theta * Math.exp(-theta * x) * Fs(t - x), 0, t) : 0;
    return Math.min(1, (1 - pWait) * Fs(t) + pWait * conv);
  };
}

const PANELS = 48;
const TOLERANCE = 1e-10;
const MAX_DEPTH = 30;

/** ∫ₐᵇ f by adaptive Simpson on PANELS equal panels (so narrow features are not stepped over). */
export function integrate(f: (x: number) => number, a: number, b: number): number {
  if (b <= a) return 0;
  const h = (b - a) / PANELS;
  let total = 0;
  for (let i = 0; i < PANELS; i++) {
    const lo = a + i * h;
    const hi = i === PANELS - 1 ? b : lo + h;
    const fa = f(lo);
    const fb = f(hi);
    const mid = 0.5 * (lo + hi);
    const fm = f(mid);
    total += simpson(f, lo, hi, fa, fm, fb, ((hi - lo) / 6) * (fa + 4 * fm + fb), TOLERANCE / PANELS, MAX_DEPTH);
  }
  return total;
}

function simpson(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  eps: number,
  depth: number,
): number {
  const m = 0.5 * (a + b);
  const lm = 0.5 * (a + m);
  const rm = 0.5 * (m + b);
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * eps) return left + right + delta / 15;
  return simpson(f, a, m, fa, flm, fm, left, eps / 2, depth - 1) + simpson(f, m, b, fm, frm, fb, right, eps / 2, depth - 1);
}
