import { computeCost } from './cost.ts';
import { waitPlusServiceCdf, type ServiceModel } from './distributions.ts';
import { erlangC } from './erlang.ts';
import { bisectQuantile } from './mmc.ts';
import { validateWhatIfChange, validateWhatIfInput } from './validate.ts';
import type {
  ErrorBudget,
  LatencyQuantiles,
  ModelName,
  SloInput,
  SloResult,
  WhatIfChange,
  WhatIfInput,
  WhatIfResult,
  WhatIfSaturated,
  WhatIfStable,
} from './types.ts';

/** Everything `predict` and `simulate` derive from a validated input, in ms and req/ms. */
export interface Derived {
  lambda: number;
  hitRatio: number;
  hitLatencyMs: number;
  overheadMs: number;
  originLambda: number;
  servers: number;
  instances: number;
  service: ServiceModel;
  /** Arrival scv of the miss stream (thinned client stream). */
  originArrivalScv: number;
  clientArrivalScv: number;
  muPerSecond: number;
  offeredLoad: number;
  rho: number;
}

export function derive(input: WhatIfInput): Derived {
  const lambda = input.arrival.ratePerSecond;
  const hitRatio = input.cache?.hitRatio ?? 0;
  const servers = input.capacity.instances * input.capacity.concurrencyPerInstance;
  const distribution = input.service.distribution ?? 'gamma';
  const scv = input.service.scv ?? (distribution === 'deterministic' ? 0 : 1);
  const clientArrivalScv = input.arrival.scv ?? 1;
  const originLambda = lambda * (1 - hitRatio);
  const muPerSecond = 1000 / input.service.meanMs;
  const offeredLoad = originLambda / muPerSecond;
  return {
    lambda,
    hitRatio,
    hitLatencyMs: input.cache?.hitLatencyMs ?? 0,
    overheadMs: input.overheadMs ?? 0,
    originLambda,
    servers,
    instances: input.capacity.instances,
    service: { distribution: scv === 0 ? 'deterministic' : distribution, mean: input.service.meanMs, scv },
    // Random thinning with keep-probability q = 1 − h of a renewal stream: c² → q·c² + (1 − q).
    originArrivalScv: (1 - hitRatio) * clientArrivalScv + hitRatio,
    clientArrivalScv,
    muPerSecond,
    offeredLoad,
    rho: offeredLoad / servers,
  };
}

/**
 * Predicts utilisation, latency quantiles, SLO compliance and cost of one scenario.
 *
 * Misses form a G/G/c FCFS queue. With Poisson arrivals and exponential service the result is
 * exact M/M/c (Erlang C, closed-form sojourn mixture). Otherwise Allen–Cunneen: the probability of
 * waiting stays Erlang C, the conditional wait stays exponential with its mean scaled by
 * (c_a² + c_s²)/2, i.e. rate θ = (cμ − λ)·2/(c_a² + c_s²), and the service time is a distribution
 * matched to (mean, scv) composed with the wait numerically. Hits take hitLatencyMs; every miss
 * pays overheadMs on top of its sojourn. Quantiles over all requests solve the mixture CDF
 *   F(t) = h·1[t ≥ hitLatency] + (1 − h)·F_T(t − overhead)
 * by bisection. Throws QueueingValidationError on invalid input; ρ ≥ 1 gives { saturated: true }.
 */
export function predict(input: WhatIfInput): WhatIfResult {
  validateWhatIfInput(input);
  const d = derive(input);
  const exact = d.originArrivalScv === 1 && d.service.scv === 1 && d.service.distribution !== 'lognormal';
  const model: ModelName = exact ? 'M/M/c' : 'G/G/c Allen-Cunneen';
  const common = {
    model,
    lambda: d.lambda,
    originLambda: d.originLambda,
    servers: d.servers,
    mu: d.muPerSecond,
    offeredLoad: d.offeredLoad,
    rho: d.rho,
    cost: computeCost({ lambda: d.lambda, hitRatio: d.hitRatio, instances: d.instances, serviceMeanMs: d.service.mean, price: input.price }),
  };
  if (d.rho >= 1) {
    const saturated: WhatIfSaturated = {
      ...common,
      saturated: true,
      reason: `utilisation ρ = ${d.rho.toFixed(3)} ≥ 1: ${d.originLambda.toFixed(3)} misses/s exceed the capacity of ${d.servers} servers × ${d.muPerSecond.toFixed(3)}/s = ${(d.servers * d.muPerSecond).toFixed(3)}/s; the queue grows without bound`,
      minServersForStability: Math.floor(d.offeredLoad) + 1,
      slo: input.slo ? { met: false } : null,
    };
    return saturated;
  }

  const { waitProb, theta, meanWaitMs } = waitModel(d);
  const sojourn = waitPlusServiceCdf(d.service, waitProb, theta);
  const originCdf = (t: number) => sojourn(t - d.overheadMs);
  const clientCdf = (t: number) => d.hitRatio * (t >= d.hitLatencyMs ? 1 : 0) + (1 - d.hitRatio) * originCdf(t);
  const guess = d.overheadMs + d.service.mean + meanWaitMs + d.hitLatencyMs;
  // Jumps of the CDFs: the fixed hit latency, and a deterministic service time when no one waits.
  const originAtoms = d.service.distribution === 'deterministic' ? [d.overheadMs + d.service.mean] : [];
  const quantiles = (cdf: (t: number) => number, atoms: number[]): LatencyQuantiles => ({
    p50: bisectQuantile(cdf, 0.5, 0, guess, atoms),
    p95: bisectQuantile(cdf, 0.95, 0, guess, atoms),
    p99: bisectQuantile(cdf, 0.99, 0, guess, atoms),
  });
  const latencyMs = quantiles(clientCdf, d.hitRatio > 0 ? [d.hitLatencyMs, ...originAtoms] : originAtoms);
  const stable: WhatIfStable = {
    ...common,
    saturated: false,
    probWait: waitProb,
    meanWaitMs,
    meanLatencyMs: d.hitRatio * d.hitLatencyMs + (1 - d.hitRatio) * (d.overheadMs + meanWaitMs + d.service.mean),
    latencyMs,
    originLatencyMs: d.hitRatio === 1 ? latencyMs : quantiles(originCdf, originAtoms),
    slo: input.slo ? evaluateSlo(input.slo, latencyMs, clientCdf) : null,
  };
  return stable;
}

/**
 * The wait of a miss in a stable queue: 0 with probability 1 − waitProb, else Exp(theta) (per ms).
 * Erlang C for the probability; Allen–Cunneen scales the conditional mean 1/(cμ − λ) by (c_a² + c_s²)/2.
 */
export function waitModel(d: Derived): { waitProb: number; theta: number; meanWaitMs: number } {
  const pWait = erlangC(d.servers, d.offeredLoad);
  const variability = (d.originArrivalScv + d.service.scv) / 2;
  // Per ms: cμ − λ, scaled so the mean conditional wait is variability/(cμ − λ).
  const slack = (d.servers * d.muPerSecond - d.originLambda) / 1000;
  if (variability === 0) return { waitProb: 0, theta: Number.POSITIVE_INFINITY, meanWaitMs: 0 };
  return { waitProb: pWait, theta: slack / variability, meanWaitMs: (pWait * variability) / slack };
}

export function evaluateSlo(slo: SloInput, q: LatencyQuantiles, cdf: (t: number) => number): SloResult {
  const result: SloResult = { met: true };
  if (slo.p95TargetMs !== undefined) {
    result.p95 = { targetMs: slo.p95TargetMs, predictedMs: q.p95, met: q.p95 <= slo.p95TargetMs };
    result.met &&= result.p95.met;
  }
  if (slo.p99TargetMs !== undefined) {
    result.p99 = { targetMs: slo.p99TargetMs, predictedMs: q.p99, met: q.p99 <= slo.p99TargetMs };
    result.met &&= result.p99.met;
  }
  const thresholdMs = slo.thresholdMs ?? slo.p99TargetMs ?? slo.p95TargetMs;
  if (thresholdMs !== undefined) {
    const objective = slo.objective ?? (slo.thresholdMs === undefined && slo.p99TargetMs === undefined ? 0.95 : 0.99);
    const fractionOver = Math.max(0, 1 - cdf(thresholdMs));
    const budget = 1 - objective;
    const errorBudget: ErrorBudget = {
      thresholdMs,
      objective,
      fractionOver,
      budget,
      burnRate: fractionOver / budget,
      withinBudget: fractionOver <= budget,
    };
    result.errorBudget = errorBudget;
    result.met &&= errorBudget.withinBudget;
  }
  return result;
}

/** The baseline scenario with a what-if change applied (load ×factor or absolute, capacity, service, cache, price). */
export function applyWhatIf(base: WhatIfInput, change: WhatIfChange): WhatIfInput {
  validateWhatIfInput(base);
  validateWhatIfChange(change);
  const rate =
    change.arrivalRatePerSecond ?? (change.arrivalFactor !== undefined ? base.arrival.ratePerSecond * change.arrivalFactor : base.arrival.ratePerSecond);
  const next: WhatIfInput = {
    ...base,
    arrival: { ...base.arrival, ratePerSecond: rate, ...(change.arrivalScv !== undefined ? { scv: change.arrivalScv } : {}) },
    capacity: {
      instances: change.instances ?? base.capacity.instances,
      concurrencyPerInstance: change.concurrencyPerInstance ?? base.capacity.concurrencyPerInstance,
    },
    service: {
      ...base.service,
      ...(change.serviceMeanMs !== undefined ? { meanMs: change.serviceMeanMs } : {}),
      ...(change.serviceScv !== undefined ? { scv: change.serviceScv } : {}),
    },
    ...(change.hitRatio !== undefined ? { cache: { ...base.cache, hitRatio: change.hitRatio } } : {}),
    ...(change.price !== undefined ? { price: change.price } : {}),
  };
  validateWhatIfInput(next);
  return next;
}

/** Baseline and changed scenario side by side. */
export function compareWhatIf(base: WhatIfInput, change: WhatIfChange): { baseline: WhatIfResult; scenario: WhatIfResult } {
  return { baseline: predict(base), scenario: predict(applyWhatIf(base, change)) };
}
