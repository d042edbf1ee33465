import { mulberry32 } from './prng.ts';

/**
 * Optional random service time for the example origin, so the queueing backtest (bench/whatif.ts)
 * can run it as an M/M/c (exponential) or M/G/c (lognormal) server instead of the fixed artificial
 * latency. Seeded (mulberry32) so a run is repeatable. Absent → the origin keeps its constant
 * `latencyMs`, unchanged.
 *
 * The drawn value is what the origin sleeps inside its concurrency gate; the time a request really
 * holds a slot is that plus the GraphQL execution and Node's timer granularity (≈ 1 ms), which is why
 * the backtest fits the service time from what the origin measures (Server-Timing `svc`), not from
 * these parameters.
 */
export type ServiceTimeModel =
  | { distribution: 'constant'; meanMs: number }
  | { distribution: 'exponential'; meanMs: number; seed?: number }
  /** scv = Var/mean² (> 0): σ² = ln(1 + scv), μ = ln(mean) − σ²/2. */
  | { distribution: 'lognormal'; meanMs: number; scv: number; seed?: number };

export function createServiceTimeSampler(model: ServiceTimeModel): () => number {
  if (!Number.isFinite(model.meanMs) || model.meanMs < 0) throw new RangeError(`serviceTime.meanMs must be a finite number ≥ 0, got ${model.meanMs}`);
  if (model.distribution === 'constant') return () => model.meanMs;
  const uniform = mulberry32(model.seed ?? 1);
  const open = () => {
    let u = uniform();
    while (u === 0) u = uniform();
    return u;
  };
  if (model.distribution === 'exponential') return () => -model.meanMs * Math.log(open());
  if (model.distribution === 'lognormal') {
    if (!Number.isFinite(model.scv) || model.scv <= 0) throw new RangeError(`serviceTime.scv must be > 0, got ${model.scv}`);
    const sigma = Math.sqrt(Math.log1p(model.scv));
    const mu = Math.log(model.meanMs) - (sigma * sigma) / 2;
    // Box–Muller: one normal per draw is plenty here.
    return () => Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * uniform()));
  }
  throw new RangeError(`serviceTime.distribution must be constant, exponential or lognormal, got ${String((model as { distribution?: unknown }).distribution)}`);
}
