/**
 * Types of the what-if / capacity model (pure: no I/O). The catalog's API and GraphQL layers code
 * against these; `index.ts` exports the functions that take and return them.
 *
 * Units: times in milliseconds (floats), rates in requests per second (floats), money in integer
 * micro-dollars (`bigint`, 1 USD = 1_000_000n). Floats become money only in `cost.ts`, through
 * fixed-point integers and one documented rounding (half up).
 */

/** Integer micro-dollars (1 USD = 1_000_000n). */
export type Micros = bigint;

/** Shape used to model service times (and arrival gaps) that are not exponential. */
export type ServiceDistribution = 'exponential' | 'gamma' | 'lognormal' | 'deterministic';

export interface ArrivalInput {
  /** λ: client requests per second reaching the edge (hits and misses together). ≥ 0. */
  ratePerSecond: number;
  /**
   * Burstiness: squared coefficient of variation of inter-arrival gaps, c_a². 1 = Poisson (default),
   * > 1 bursty, 0 perfectly regular. Describes the client stream; the miss stream that reaches the
   * origin is its random thinning, c_a²' = 1 + (1 − h)(c_a² − 1).
   */
  scv?: number;
}

export interface CapacityInput {
  /** Instances of the origin (integer ≥ 1). */
  instances: number;
  /** Requests each instance serves at once (integer ≥ 1). Servers c = instances × concurrencyPerInstance. */
  concurrencyPerInstance: number;
}

export interface ServiceInput {
  /** Mean service time at the origin, in ms (> 0). */
  meanMs: number;
  /** Squared coefficient of variation c_s² = Var/mean² (≥ 0). 1 = exponential (default). */
  scv?: number;
  /**
   * Distribution matched to (mean, scv) for latency quantiles. Default 'gamma' (which is the
   * exponential at scv = 1, so the M/M/c closed form is the special case). scv = 0 means deterministic.
   */
  distribution?: ServiceDistribution;
}

export interface CacheInput {
  /** Share of requests answered by the edge cache, h ∈ [0, 1]; only misses (1 − h) reach the origin queue. */
  hitRatio: number;
  /** Latency of a hit at the edge, ms (≥ 0, default 0). */
  hitLatencyMs?: number;
}

export type PriceModel =
  /** Provisioned instances billed by the hour, busy or idle. */
  | { kind: 'instance-hour'; microsPerInstanceHour: Micros }
  /**
   * Serverless: per request plus per GB-second of busy time (each miss is billed for its service
   * time × memory). Prices are per million units so that real price sheets stay integers, e.g. AWS
   * Lambda x86 $0.20 per 1M requests = 200_000n, $0.0000166667 per GB-s = 16_666_700n per 1M GB-s.
   */
  | { kind: 'per-request'; microsPerMillionRequests: Micros; microsPerMillionGbSeconds: Micros; memoryGb: number };

export interface SloInput {
  /** p95 latency target, ms. Met when the predicted p95 ≤ target. */
  p95TargetMs?: number;
  /** p99 latency target, ms. */
  p99TargetMs?: number;
  /**
   * Latency SLO for the error budget: `objective` of requests finish within `thresholdMs`.
   * Defaults: thresholdMs = p99TargetMs ?? p95TargetMs; objective = 0.99 (0.95 when only p95 is given).
   */
  thresholdMs?: number;
  objective?: number;
}

/** One scenario for `predict`. */
export interface WhatIfInput {
  arrival: ArrivalInput;
  capacity: CapacityInput;
  service: ServiceInput;
  /** No cache when absent (h = 0). */
  cache?: CacheInput;
  /** Constant added to every origin answer (network / HTTP overhead), ms ≥ 0, default 0. */
  overheadMs?: number;
  price?: PriceModel;
  slo?: SloInput;
}

/** A change applied to a baseline scenario (`applyWhatIf`). Rates: factor or absolute, not both. */
export interface WhatIfChange {
  arrivalFactor?: number;
  arrivalRatePerSecond?: number;
  arrivalScv?: number;
  instances?: number;
  concurrencyPerInstance?: number;
  serviceMeanMs?: number;
  serviceScv?: number;
  hitRatio?: number;
  price?: PriceModel;
}

/** Which formulas produced the numbers. */
export type ModelName =
  /** Exact M/M/c (Poisson arrivals, exponential service, FCFS): Erlang C + closed-form sojourn mixture. */
  | 'M/M/c'
  /** G/G/c approximation: Erlang C probability of waiting, Allen–Cunneen wait scaled by (c_a² + c_s²)/2. */
  | 'G/G/c Allen-Cunneen';

export interface LatencyQuantiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface CostResult {
  /** null when no price model was given. */
  perHourMicros: Micros | null;
  /** Per million client requests (hits included); null without a price model or when λ = 0. */
  perMillionRequestsMicros: Micros | null;
}

export interface TargetCheck {
  targetMs: number;
  predictedMs: number;
  met: boolean;
}

export interface ErrorBudget {
  thresholdMs: number;
  objective: number;
  /** P(latency > thresholdMs). */
  fractionOver: number;
  /** 1 − objective. */
  budget: number;
  /** fractionOver / budget: 1 = spends exactly the budget; > 1 = burns it faster than allowed. */
  burnRate: number;
  withinBudget: boolean;
}

export interface SloResult {
  p95?: TargetCheck;
  p99?: TargetCheck;
  errorBudget?: ErrorBudget;
  /** Every given target met and the budget not overspent. */
  met: boolean;
}

interface ResultCommon {
  model: ModelName;
  /** Client λ (req/s). */
  lambda: number;
  /** λ reaching the origin, λ(1 − h). */
  originLambda: number;
  /** Servers c = instances × concurrencyPerInstance. */
  servers: number;
  /** Service rate per server, 1/mean (req/s). */
  mu: number;
  /** Offered load a = λ_origin / μ (Erlangs). */
  offeredLoad: number;
  /** Utilisation ρ = a / c. */
  rho: number;
  cost: CostResult;
}

export interface WhatIfStable extends ResultCommon {
  saturated: false;
  /** Erlang C: probability that a miss waits. */
  probWait: number;
  /** Mean queueing delay of a miss, ms. */
  meanWaitMs: number;
  /** Mean latency over all client requests (hits + misses), ms. */
  meanLatencyMs: number;
  /** Latency quantiles over all client requests (hits + misses), ms. */
  latencyMs: LatencyQuantiles;
  /** Latency quantiles of misses only (origin sojourn + overhead), ms. */
  originLatencyMs: LatencyQuantiles;
  slo: SloResult | null;
}

/** ρ ≥ 1: the queue grows without bound; there are no latency numbers to give. */
export interface WhatIfSaturated extends ResultCommon {
  saturated: true;
  reason: string;
  /** Minimum servers for ρ < 1 at this load, ⌊a⌋ + 1. */
  minServersForStability: number;
  /** Any SLO given is reported as not met. */
  slo: { met: false } | null;
}

export type WhatIfResult = WhatIfStable | WhatIfSaturated;

// ── simulation ─────────────────────────────────────────────────────────────

export type SimServiceSpec =
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'deterministic'; meanMs: number }
  | { kind: 'gamma'; meanMs: number; scv: number }
  | { kind: 'lognormal'; meanMs: number; scv: number }
  /** Pareto type I with this mean; either scv (> 0, gives α = 1 + √(1 + 1/scv) > 2) or α > 1 (α ≤ 2: infinite variance). */
  | { kind: 'pareto'; meanMs: number; scv?: number; alpha?: number }
  /** Resample measured service times (bootstrap), e.g. from an origin's Server-Timing. */
  | { kind: 'empirical'; samplesMs: readonly number[] };

export type SimArrivalSpec =
  | { kind: 'poisson' }
  /** Renewal arrivals with inter-arrival scv: balanced-means hyperexponential H2 when > 1, gamma when < 1, regular at 0. */
  | { kind: 'bursty'; scv: number };

export interface SimulateOptions {
  /** Measured customers (misses and hits), after warm-up. Default 200_000. */
  customers?: number;
  /** Customers discarded first so the queue starts near steady state. Default customers / 10. */
  warmupCustomers?: number;
  /** PRNG seed (xoshiro128**). Default 1. */
  seed?: number;
  /** Service distribution; default from the input: exponential at scv 1, else lognormal matched to (mean, scv). */
  service?: SimServiceSpec;
  /** Arrival process; default from input.arrival.scv: Poisson at 1, else bursty. */
  arrivals?: SimArrivalSpec;
  /** Measured overheads resampled per miss instead of the constant input.overheadMs. */
  overheadSamplesMs?: readonly number[];
}

export interface SimulationResult {
  model: 'simulation';
  saturated: false;
  customers: number;
  seed: number;
  servers: number;
  lambda: number;
  originLambda: number;
  /** Nominal ρ = λ_origin · E[S] / c. */
  rho: number;
  /** Measured busy time / (c × elapsed). */
  observedUtilisation: number;
  /** Share of misses that waited. */
  probWait: number;
  meanWaitMs: number;
  meanLatencyMs: number;
  latencyMs: LatencyQuantiles;
  /** null when every measured customer was a hit. */
  originLatencyMs: LatencyQuantiles | null;
  service: SimServiceSpec;
  arrivals: SimArrivalSpec;
}

/** One problem with an input. */
export interface ValidationIssue {
  /** Dotted path, e.g. "capacity.instances". */
  path: string;
  message: string;
}
