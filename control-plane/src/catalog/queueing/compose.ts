import { serviceCdf, waitPlusServiceCdf } from './distributions.ts';
import { bisectQuantile } from './mmc.ts';
import { derive, waitModel } from './predict.ts';
import { validateWhatIfInput } from './validate.ts';
import { QueueingValidationError } from './errors.ts';
import type { LatencyQuantiles, WhatIfInput } from './types.ts';

const GRID = 20_000;
const MAX_OVERHEAD_POINTS = 500;

/**
 * Latency quantiles of a miss when the overhead around the origin queue is not a constant but a
 * measured distribution (e.g. loopback HTTP + auth + event-loop delays from a low-load run):
 *   F(t) = E_O[F_T(t − O)],  T = wait + service of the model (input.overheadMs is ignored).
 * F_T is tabulated on a fine grid by the exact recursion of G = F_S ∗ Exp(θ),
 *   G(t + h) = e^(−θh)·G(t) + ∫₀ʰ θe^(−θ(h−v))·F_S(t + v) dv   (F_S linear within a step),
 * then averaged over up to 500 quantile points of the overhead sample. Only the origin path
 * (misses); returns null when ρ ≥ 1.
 */
export function originQuantilesWithOverhead(input: WhatIfInput, overheadSamplesMs: readonly number[]): LatencyQuantiles | null {
  validateWhatIfInput(input);
  if (overheadSamplesMs.length === 0 || overheadSamplesMs.some((x) => !Number.isFinite(x))) {
    throw new QueueingValidationError([{ path: 'overheadSamplesMs', message: 'must be a non-empty array of finite numbers' }]);
  }
  const d = derive(input);
  if (d.rho >= 1) return null;
  const { waitProb, theta } = waitModel(d);
  const exact = waitPlusServiceCdf(d.service, waitProb, theta);
  const tMax = 1.5 * bisectQuantile(exact, 1 - 1e-6, 0, d.service.mean * 4);
  const h = tMax / GRID;
  const Fs = serviceCdf(d.service);
  const table = new Float64Array(GRID + 1);
  let g = 0;
  let fsPrev = Fs(0);
  table[0] = (1 - waitProb) * fsPrev;
  const decay = Number.isFinite(theta) ? Math.exp(-theta * h) : 0;
  const tail = Number.isFinite(theta) ? (1 - decay * (1 + theta * h)) / theta : 0;
  for (let i = 1; i <= GRID; i++) {
    const fs = Fs(i * h);
    if (waitProb > 0) {
      const a = fsPrev;
      const b = (fs - fsPrev) / h;
      g = decay * g + (a + b * h) * (1 - decay) - b * tail;
    }
    table[i] = (1 - waitProb) * fs + waitProb * g;
    fsPrev = fs;
  }
  const sojournCdf = (t: number): number => {
    if (t <= 0) return 0;
    if (t >= tMax) return exact(t);
    const x = t / h;
    const i = Math.floor(x);
    return table[i]! + (x - i) * (table[i + 1]! - table[i]!);
  };
  const sorted = [...overheadSamplesMs].sort((x, y) => x - y);
  const points = sorted.length <= MAX_OVERHEAD_POINTS ? sorted : Array.from({ length: MAX_OVERHEAD_POINTS }, (_, k) => sorted[Math.floor(((k + 0.5) / MAX_OVERHEAD_POINTS) * sorted.length)]!);
  const cdf = (t: number) => {
    let sum = 0;
    for (const o of points) sum += sojournCdf(t - o);
    return sum / points.length;
  };
  const lo = Math.min(0, points[0]!);
  const guess = Math.max(d.service.mean, points[points.length - 1]! + d.service.mean);
  return {
    p50: bisectQuantile(cdf, 0.5, lo, guess),
    p95: bisectQuantile(cdf, 0.95, lo, guess),
    p99: bisectQuantile(cdf, 0.99, lo, guess),
  };
}
