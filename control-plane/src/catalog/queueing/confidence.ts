import { FifoServers } from './fifo.ts';
import { Rng } from './random.ts';
import { studentTQuantile } from './special.ts';

/**
 * Confidence intervals for latency quantiles of one long, autocorrelated run (pure: no I/O).
 *
 * The latencies of a queue are not independent: a long queue persists for many service times, so
 * neighbouring requests share it, and the textbook interval for a quantile of i.i.d. samples is far
 * too narrow (at ρ = 0.85, c = 4 the sample p99 varies ≈ 5× more than an i.i.d. sample of that size
 * would). Two honest intervals:
 *
 * - **Batched quantiles with sectioning** (Asmussen & Glynn, *Stochastic Simulation*, 2007, §III.5a):
 *   split the run (in arrival order) into K contiguous batches long enough to be nearly
 *   independent; centre the interval on the quantile of the whole run, its half-width
 *   t_{K−1}·s/√K from the spread s of the K batch quantiles. The pooled centre avoids the bias a
 *   short batch's quantile carries.
 * - **Control variate** (Lavenberg & Welch, "A perspective on the use of control variables to
 *   increase the efficiency of Monte Carlo simulations", Management Science 27(3), 1981): beside
 *   each observed latency Y, a control X computed from the same random inputs whose quantile q_X is
 *   known exactly (bench/whatif.ts: an ideal M/M/c queue fed the run's own Poisson send times and
 *   exponential service draws). Y − β(X − q_X) has the same expectation as Y whatever β and
 *   whatever the real system does, and far less variance when X and Y move together. β is the
 *   regression of the batch quantiles of Y on those of X; the half-width is t_{K−2}·σ̂·√(1/K +
 *   (X̂ − q_X)²/Sxx), σ̂ the residual standard deviation (one degree of freedom more is spent on β).
 *
 * **Calibration by the control.** At high utilisation the p99 of a run is driven by a few long
 * excursions of the queue; a run that happens to hold fewer of them than usual has batch quantiles
 * that agree with each other too well, and the interval is too narrow exactly when the estimate is
 * off (on simulated M/M/c runs at ρ = 0.85 the 90 % interval of the p99 covered the truth 64–80 % of
 * the time). The control was driven by the same arrivals and draws and its true sampling variance V
 * is known (simulate the exact queue), so its own batches show how much this run understates
 * spread: ψ = max(1, V / (s_X²/K)). Both intervals are widened by √ψ, never narrowed; with it the
 * tested coverage is back at 90 %.
 *
 * Quantiles are nearest-rank, as everywhere in the backtest. Batch length: see docs/what-if.md; the
 * coverage of both intervals on simulated M/M/c runs, whose true quantiles are exact, is tested.
 */
export interface QuantileCi {
  /** Quantile level, e.g. 0.99. */
  p: number;
  /** Point estimate: the quantile of the whole run (with the control's correction for the CV interval). */
  estimate: number;
  /** Half-width of the two-sided interval, same unit as the samples. */
  halfWidth: number;
  /** halfWidth / estimate. */
  relHalfWidth: number;
  confidence: number;
  batches: number;
  /** Samples per batch (the last ones may hold one more). */
  batchSize: number;
  degreesOfFreedom: number;
  /** Lag-1 autocorrelation of the batch quantiles (of the residuals for the CV interval): near 0 when the batches are nearly independent. */
  lag1: number;
}

export interface ControlVariateCi extends QuantileCi {
  /** Which interval the top-level fields are: the controlled one, or the batched one when the control did not narrow it. */
  method: 'control-variate' | 'batched';
  /** The same run without the control: batched quantiles with sectioning (widened by √ψ too). */
  raw: QuantileCi;
  /**
   * Pooled quantile of the control, its exact value, the fitted β, the correlation of the batch
   * quantiles, and ψ ≥ 1, the factor the variances were widened by (1 without `controlSamplingVariance`).
   */
  control: { pooled: number; exact: number; beta: number; correlation: number; inflation: number };
}

export interface ControlVariateOptions extends CiOptions {
  /** True variance of the control's pooled p-quantile over a run of this length (from simulating the exact queue); enables the ψ calibration. */
  controlSamplingVariance?: number;
}

export interface CiOptions {
  /** K contiguous batches (≥ 3; ≥ 4 with a control). */
  batches: number;
  /** Two-sided level, default 0.9. */
  confidence?: number;
}

/** Nearest-rank quantile: the smallest sample with at least a share p of the samples ≤ it. */
export function nearestRankQuantile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new RangeError('no samples');
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Batched quantiles with sectioning (see above). */
export function batchedQuantileCi(values: ArrayLike<number>, p: number, opts: CiOptions): QuantileCi {
  const { batches: k, confidence } = checkOptions(values.length, p, opts, 3);
  const q = batchQuantiles(values, p, k);
  const estimate = nearestRankQuantile(values, p);
  const mean = average(q);
  const ss = q.reduce((a, x) => a + (x - mean) ** 2, 0);
  const df = k - 1;
  const halfWidth = studentTQuantile((1 + confidence) / 2, df) * Math.sqrt(ss / df / k);
  return { p, estimate, halfWidth, relHalfWidth: halfWidth / estimate, confidence, batches: k, batchSize: Math.floor(values.length / k), degreesOfFreedom: df, lag1: lag1(q.map((x) => x - mean)) };
}

/**
 * Control-variate interval (see above): `values[i]` and `control[i]` belong to the same request;
 * `controlExact` is the control's true p-quantile.
 */
export function controlVariateQuantileCi(values: ArrayLike<number>, control: ArrayLike<number>, controlExact: number, p: number, opts: ControlVariateOptions): ControlVariateCi {
  if (control.length !== values.length) throw new RangeError(`values (${values.length}) and control (${control.length}) differ in length`);
  if (!Number.isFinite(controlExact)) throw new RangeError(`controlExact must be finite, got ${controlExact}`);
  const { batches: k, confidence } = checkOptions(values.length, p, opts, 4);
  const V = opts.controlSamplingVariance;
  if (V !== undefined && !(V >= 0 && Number.isFinite(V))) throw new RangeError(`controlSamplingVariance must be finite and ≥ 0, got ${V}`);
  const unscaled = batchedQuantileCi(values, p, opts);
  const y = batchQuantiles(values, p, k);
  const x = batchQuantiles(control, p, k);
  const my = average(y);
  const mx = average(x);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let b = 0; b < k; b++) {
    sxx += (x[b]! - mx) ** 2;
    sxy += (x[b]! - mx) * (y[b]! - my);
    syy += (y[b]! - my) ** 2;
  }
  // A control that never moved carries no information: fall back to β = 0 (the raw interval, one df less).
  const beta = sxx > 0 ? sxy / sxx : 0;
  const inflation = V === undefined ? 1 : sxx > 0 ? Math.max(1, V / (sxx / (k - 1) / k)) : Number.POSITIVE_INFINITY;
  const widen = Math.sqrt(inflation);
  const raw: QuantileCi = { ...unscaled, halfWidth: unscaled.halfWidth * widen, relHalfWidth: unscaled.relHalfWidth * widen };
  const residuals = y.map((yb, b) => yb - my - beta * (x[b]! - mx));
  const df = k - 2;
  const s2 = residuals.reduce((a, e) => a + e * e, 0) / df;
  const pooledControl = nearestRankQuantile(control, p);
  const offset = pooledControl - controlExact;
  const estimate = raw.estimate - beta * offset;
  const halfWidth = widen * studentTQuantile((1 + confidence) / 2, df) * Math.sqrt(s2 * (1 / k + (sxx > 0 ? (offset * offset) / sxx : 0)));
  // A control that does not narrow the interval (weakly correlated, or β estimated from noise) is
  // dropped: the batched interval is reported instead, as the one with the smaller estimated spread.
  const controlled = halfWidth < raw.halfWidth && estimate > 0;
  const chosen = controlled
    ? { estimate, halfWidth, relHalfWidth: halfWidth / estimate, degreesOfFreedom: df, lag1: lag1(residuals) }
    : { estimate: raw.estimate, halfWidth: raw.halfWidth, relHalfWidth: raw.relHalfWidth, degreesOfFreedom: raw.degreesOfFreedom, lag1: raw.lag1 };
  return {
    p,
    ...chosen,
    method: controlled ? 'control-variate' : 'batched',
    confidence,
    batches: k,
    batchSize: raw.batchSize,
    raw,
    control: { pooled: pooledControl, exact: controlExact, beta, correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0, inflation },
  };
}

/**
 * Sampling variance of the pooled p-quantiles (one per entry of `ps`) of the sojourn time of an
 * M/M/c FCFS queue, over `customers` customers after `warmup` more, starting empty: the estimator
 * the backtest applies to its control, by `replications` independent simulated runs (seeded). This
 * is the V of the ψ calibration; rates per ms, times in ms.
 */
export function mmcQuantileSamplingVariance(
  queue: { arrivalsPerMs: number; serviceMeanMs: number; servers: number },
  customers: number,
  warmup: number,
  ps: readonly number[],
  replications: number,
  seed = 1,
): number[] {
  if (!(queue.arrivalsPerMs * queue.serviceMeanMs < queue.servers)) throw new RangeError('the queue must be stable (λ·E[S] < c)');
  if (!Number.isInteger(replications) || replications < 2) throw new RangeError(`replications must be an integer ≥ 2, got ${replications}`);
  const rng = new Rng(seed);
  const gap = 1 / queue.arrivalsPerMs;
  const estimates = ps.map(() => new Float64Array(replications));
  const sojourns = new Float64Array(customers);
  for (let r = 0; r < replications; r++) {
    const servers = new FifoServers(queue.servers);
    let t = 0;
    for (let i = -warmup; i < customers; i++) {
      t += rng.exponential(gap);
      const s = rng.exponential(queue.serviceMeanMs);
      const sojourn = servers.admit(t, s) + s;
      if (i >= 0) sojourns[i] = sojourn;
    }
    sojourns.sort();
    ps.forEach((p, j) => (estimates[j]![r] = sojourns[Math.min(customers - 1, Math.max(0, Math.ceil(p * customers) - 1))]!));
  }
  return estimates.map((e) => {
    const m = e.reduce((a, b) => a + b, 0) / replications;
    return e.reduce((a, b) => a + (b - m) ** 2, 0) / (replications - 1);
  });
}

function checkOptions(n: number, p: number, opts: CiOptions, minBatches: number): { batches: number; confidence: number } {
  const confidence = opts.confidence ?? 0.9;
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(opts.batches) || opts.batches < minBatches) throw new RangeError(`batches must be an integer ≥ ${minBatches}, got ${opts.batches}`);
  // A batch must be long enough to have a p-quantile that is not its maximum.
  if (n < opts.batches * Math.ceil(1 / (1 - p))) throw new RangeError(`${n} samples are too few for ${opts.batches} batches at p = ${p}`);
  return { batches: opts.batches, confidence };
}

/** p-quantile of each of k contiguous, near-equal batches: batch b holds [⌊bn/k⌋, ⌊(b+1)n/k⌋). */
function batchQuantiles(values: ArrayLike<number>, p: number, k: number): number[] {
  const n = values.length;
  const all = Float64Array.from(values);
  return Array.from({ length: k }, (_, b) => nearestRankQuantile(all.subarray(Math.floor((b * n) / k), Math.floor(((b + 1) * n) / k)), p));
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Lag-1 autocorrelation of centred values. */
function lag1(centred: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < centred.length; i++) {
    den += centred[i]! ** 2;
    if (i > 0) num += centred[i]! * centred[i - 1]!;
  }
  return den > 0 ? num / den : 0;
}
