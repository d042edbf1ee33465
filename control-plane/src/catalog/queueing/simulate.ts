import { FifoServers } from './fifo.ts';
import { predict, derive } from './predict.ts';
import {
  Rng,
  exponentialSampler,
  gammaSampler,
  hyperexponentialSampler,
  lognormalSampler,
  paretoAlphaForScv,
  paretoSampler,
  type Sampler,
} from './random.ts';
import { validateSimulateOptions, validateWhatIfInput } from './validate.ts';
import type { LatencyQuantiles, SimArrivalSpec, SimServiceSpec, SimulateOptions, SimulationResult, WhatIfInput, WhatIfSaturated } from './types.ts';

/**
 * Discrete-event simulation of the same scenario `predict` models: client arrivals (Poisson or a
 * bursty renewal process), each a hit with probability h (answered in hitLatencyMs) or a miss that
 * joins one FCFS queue in front of c identical servers (`FifoServers`: a min-heap of the servers'
 * free times is the whole event list, O(n log c)). Seeded (xoshiro128**): a given input, options
 * and seed always give the same numbers. Use it where the analytic approximation is weak (heavy-tailed service: lognormal, Pareto).
 * ρ ≥ 1 is answered like predict: { saturated: true } without latency numbers.
 */
export function simulate(input: WhatIfInput, opts: SimulateOptions = {}): SimulationResult | WhatIfSaturated {
  validateWhatIfInput(input);
  validateSimulateOptions(opts);
  const analytic = predict(input);
  if (analytic.saturated) return analytic;
  const d = derive(input);
  const customers = opts.customers ?? 200_000;
  const warmup = opts.warmupCustomers ?? Math.floor(customers / 10);
  const seed = opts.seed ?? 1;
  const service: SimServiceSpec = opts.service ?? defaultService(d.service.mean, d.service.scv);
  const arrivals: SimArrivalSpec = opts.arrivals ?? (d.clientArrivalScv === 1 ? { kind: 'poisson' } : { kind: 'bursty', scv: d.clientArrivalScv });
  const rng = new Rng(seed);
  const nextGap = arrivalSampler(rng, arrivals, d.lambda > 0 ? 1000 / d.lambda : Number.POSITIVE_INFINITY);
  const nextService = serviceSampler(rng, service);
  const serviceMean = service.kind === 'empirical' ? service.samplesMs.reduce((a, b) => a + b, 0) / service.samplesMs.length : service.meanMs;

  const overhead = opts.overheadSamplesMs ? Float64Array.from(opts.overheadSamplesMs) : undefined;
  const c = d.servers;
  const queue = new FifoServers(c);
  const latencies = new Float64Array(customers);
  // Without hits every client latency is an origin latency: one array serves both.
  const originLatencies = d.hitRatio > 0 ? new Float64Array(customers) : latencies;
  let originCount = 0;
  let now = 0;
  let measuredStart = Number.NaN;
  let busy = 0;
  let waited = 0;
  let waitSum = 0;
  let misses = 0;
  let latencySum = 0;
  for (let n = 0; n < warmup + customers; n++) {
    now += nextGap();
    const measured = n >= warmup;
    if (measured && Number.isNaN(measuredStart)) measuredStart = now;
    let latency: number;
    if (d.hitRatio > 0 && rng.uniform() < d.hitRatio) {
      latency = d.hitLatencyMs;
    } else {
      const s = nextService();
      const wait = queue.admit(now, s);
      latency = (overhead ? overhead[Math.floor(rng.uniform() * overhead.length)]! : d.overheadMs) + wait + s;
      if (measured) {
        misses++;
        busy += s;
        waitSum += wait;
        if (wait > 0) waited++;
        if (originLatencies !== latencies) originLatencies[originCount] = latency;
        originCount++;
      }
    }
    if (measured) {
      latencies[n - warmup] = latency;
      latencySum += latency;
    }
  }
  const elapsed = Math.max(now - measuredStart, Number.MIN_VALUE);
  const latencyMs = empiricalQuantiles(latencies);
  const originLatencyMs =
    originLatencies === latencies ? latencyMs : originCount ? empiricalQuantiles(originLatencies.subarray(0, originCount)) : null;
  return {
    model: 'simulation',
    saturated: false,
    customers,
    seed,
    servers: c,
    lambda: d.lambda,
    originLambda: d.originLambda,
    rho: (d.originLambda * serviceMean) / 1000 / c,
    observedUtilisation: busy / (c * elapsed),
    probWait: misses ? waited / misses : 0,
    meanWaitMs: misses ? waitSum / misses : 0,
    meanLatencyMs: latencySum / customers,
    latencyMs,
    originLatencyMs,
    service,
    arrivals,
  };
}

function defaultService(meanMs: number, scv: number): SimServiceSpec {
  if (scv === 1) return { kind: 'exponential', meanMs };
  if (scv === 0) return { kind: 'deterministic', meanMs };
  return { kind: 'lognormal', meanMs, scv };
}

function serviceSampler(rng: Rng, s: SimServiceSpec): Sampler {
  switch (s.kind) {
    case 'exponential':
      return exponentialSampler(rng, s.meanMs);
    case 'deterministic':
      return () => s.meanMs;
    case 'gamma':
      return gammaSampler(rng, s.meanMs, s.scv);
    case 'lognormal':
      return lognormalSampler(rng, s.meanMs, s.scv);
    case 'pareto':
      return paretoSampler(rng, s.meanMs, s.alpha ?? paretoAlphaForScv(s.scv!));
    case 'empirical': {
      const samples = Float64Array.from(s.samplesMs);
      return () => samples[Math.floor(rng.uniform() * samples.length)]!;
    }
  }
}

function arrivalSampler(rng: Rng, a: SimArrivalSpec, meanGap: number): Sampler {
  if (a.kind === 'poisson' || a.scv === 1) return exponentialSampler(rng, meanGap);
  if (a.scv === 0) return () => meanGap;
  if (a.scv > 1) return hyperexponentialSampler(rng, meanGap, a.scv);
  return gammaSampler(rng, meanGap, a.scv);
}

/** Nearest-rank quantiles of samples (sorts the array in place). */
export function empiricalQuantiles(samples: Float64Array): LatencyQuantiles {
  samples.sort();
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
