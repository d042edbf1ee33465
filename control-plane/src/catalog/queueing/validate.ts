import { QueueingValidationError } from './errors.ts';
import type { PriceModel, SimArrivalSpec, SimServiceSpec, SimulateOptions, ValidationIssue, WhatIfChange, WhatIfInput } from './types.ts';

/** Upper bounds that keep every derived quantity finite and every fixed-point conversion exact. */
export const LIMITS = {
  ratePerSecond: 1e9,
  servers: 1_000_000,
  meanMs: 1e9,
  scv: 1e4,
  latencyMs: 1e9,
  memoryGb: 1e4,
  micros: 10n ** 18n,
} as const;

class Checker {
  readonly issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  number(path: string, v: unknown, opts: { min?: number; minExclusive?: number; max?: number; integer?: boolean }): v is number {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(path, `must be a finite number, got ${describe(v)}`);
      return false;
    }
    if (opts.integer && !Number.isInteger(v)) this.add(path, `must be an integer, got ${v}`);
    else if (opts.min !== undefined && v < opts.min) this.add(path, `must be ≥ ${opts.min}, got ${v}`);
    else if (opts.minExclusive !== undefined && v <= opts.minExclusive) this.add(path, `must be > ${opts.minExclusive}, got ${v}`);
    else if (opts.max !== undefined && v > opts.max) this.add(path, `must be ≤ ${opts.max}, got ${v}`);
    else return true;
    return false;
  }

  optionalNumber(path: string, v: unknown, opts: Parameters<Checker['number']>[2]): void {
    if (v !== undefined) this.number(path, v, opts);
  }

  micros(path: string, v: unknown): void {
    if (typeof v !== 'bigint') this.add(path, `must be integer micro-dollars as a bigint, got ${describe(v)}`);
    else if (v < 0n) this.add(path, `must be ≥ 0, got ${v}`);
    else if (v > LIMITS.micros) this.add(path, `must be ≤ ${LIMITS.micros}, got ${v}`);
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new QueueingValidationError(this.issues);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined) return 'nothing';
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws QueueingValidationError listing every problem of a what-if scenario. */
export function validateWhatIfInput(input: WhatIfInput): void {
  const k = new Checker();
  if (!isObject(input)) {
    k.add('', 'must be an object');
    k.throwIfAny();
  }
  if (!isObject(input.arrival)) k.add('arrival', 'is required');
  else {
    k.number('arrival.ratePerSecond', input.arrival.ratePerSecond, { min: 0, max: LIMITS.ratePerSecond });
    k.optionalNumber('arrival.scv', input.arrival.scv, { min: 0, max: LIMITS.scv });
  }
  if (!isObject(input.capacity)) k.add('capacity', 'is required');
  else {
    const okI = k.number('capacity.instances', input.capacity.instances, { integer: true, min: 1 });
    const okC = k.number('capacity.concurrencyPerInstance', input.capacity.concurrencyPerInstance, { integer: true, min: 1 });
    if (okI && okC && input.capacity.instances * input.capacity.concurrencyPerInstance > LIMITS.servers) {
      k.add('capacity', `instances × concurrencyPerInstance must be ≤ ${LIMITS.servers}`);
    }
  }
  if (!isObject(input.service)) k.add('service', 'is required');
  else {
    k.number('service.meanMs', input.service.meanMs, { minExclusive: 0, max: LIMITS.meanMs });
    const okScv = input.service.scv === undefined || k.number('service.scv', input.service.scv, { min: 0, max: LIMITS.scv });
    const d = input.service.distribution;
    if (d !== undefined && !['exponential', 'gamma', 'lognormal', 'deterministic'].includes(d)) {
      k.add('service.distribution', `must be exponential, gamma, lognormal or deterministic, got ${String(d)}`);
    } else if (okScv && input.service.scv !== undefined) {
      if (d === 'exponential' && input.service.scv !== 1) k.add('service.scv', `an exponential service time has scv 1, got ${input.service.scv}`);
      if (d === 'deterministic' && input.service.scv !== 0) k.add('service.scv', `a deterministic service time has scv 0, got ${input.service.scv}`);
      if ((d === 'lognormal' || d === 'gamma') && input.service.scv === 0) k.add('service.scv', `a ${d} service time needs scv > 0 (use deterministic)`);
    }
  }
  if (input.cache !== undefined) {
    if (!isObject(input.cache)) k.add('cache', 'must be an object');
    else {
      k.number('cache.hitRatio', input.cache.hitRatio, { min: 0, max: 1 });
      k.optionalNumber('cache.hitLatencyMs', input.cache.hitLatencyMs, { min: 0, max: LIMITS.latencyMs });
    }
  }
  k.optionalNumber('overheadMs', input.overheadMs, { min: 0, max: LIMITS.latencyMs });
  if (input.price !== undefined) validatePrice(k, 'price', input.price);
  if (input.slo !== undefined) {
    if (!isObject(input.slo)) k.add('slo', 'must be an object');
    else {
      k.optionalNumber('slo.p95TargetMs', input.slo.p95TargetMs, { minExclusive: 0, max: LIMITS.latencyMs });
      k.optionalNumber('slo.p99TargetMs', input.slo.p99TargetMs, { minExclusive: 0, max: LIMITS.latencyMs });
      k.optionalNumber('slo.thresholdMs', input.slo.thresholdMs, { minExclusive: 0, max: LIMITS.latencyMs });
      if (input.slo.objective !== undefined && k.number('slo.objective', input.slo.objective, { minExclusive: 0 }) && input.slo.objective >= 1) {
        k.add('slo.objective', `must be < 1 (an objective of 1 leaves no error budget), got ${input.slo.objective}`);
      }
    }
  }
  k.throwIfAny();
}

function validatePrice(k: Checker, path: string, price: PriceModel): void {
  if (!isObject(price)) return k.add(path, 'must be an object');
  if (price.kind === 'instance-hour') k.micros(`${path}.microsPerInstanceHour`, price.microsPerInstanceHour);
  else if (price.kind === 'per-request') {
    k.micros(`${path}.microsPerMillionRequests`, price.microsPerMillionRequests);
    k.micros(`${path}.microsPerMillionGbSeconds`, price.microsPerMillionGbSeconds);
    k.number(`${path}.memoryGb`, price.memoryGb, { minExclusive: 0, max: LIMITS.memoryGb });
  } else k.add(`${path}.kind`, `must be instance-hour or per-request, got ${String((price as { kind?: unknown }).kind)}`);
}

export function validateWhatIfChange(change: WhatIfChange): void {
  const k = new Checker();
  if (!isObject(change)) {
    k.add('', 'must be an object');
    k.throwIfAny();
  }
  if (change.arrivalFactor !== undefined && change.arrivalRatePerSecond !== undefined) {
    k.add('arrivalFactor', 'give either arrivalFactor or arrivalRatePerSecond, not both');
  }
  k.optionalNumber('arrivalFactor', change.arrivalFactor, { min: 0, max: LIMITS.ratePerSecond });
  k.optionalNumber('arrivalRatePerSecond', change.arrivalRatePerSecond, { min: 0, max: LIMITS.ratePerSecond });
  k.optionalNumber('arrivalScv', change.arrivalScv, { min: 0, max: LIMITS.scv });
  k.optionalNumber('instances', change.instances, { integer: true, min: 1 });
  k.optionalNumber('concurrencyPerInstance', change.concurrencyPerInstance, { integer: true, min: 1 });
  k.optionalNumber('serviceMeanMs', change.serviceMeanMs, { minExclusive: 0, max: LIMITS.meanMs });
  k.optionalNumber('serviceScv', change.serviceScv, { min: 0, max: LIMITS.scv });
  k.optionalNumber('hitRatio', change.hitRatio, { min: 0, max: 1 });
  if (change.price !== undefined) validatePrice(k, 'price', change.price);
  k.throwIfAny();
}

export function validateSimulateOptions(opts: SimulateOptions): void {
  const k = new Checker();
  k.optionalNumber('customers', opts.customers, { integer: true, min: 1, max: 50_000_000 });
  k.optionalNumber('warmupCustomers', opts.warmupCustomers, { integer: true, min: 0, max: 50_000_000 });
  k.optionalNumber('seed', opts.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  if (opts.service !== undefined) validateSimService(k, opts.service);
  if (opts.arrivals !== undefined) validateSimArrivals(k, opts.arrivals);
  if (opts.overheadSamplesMs !== undefined) {
    const o = opts.overheadSamplesMs;
    if (!Array.isArray(o) || o.length === 0) k.add('overheadSamplesMs', 'must be a non-empty array');
    else {
      const bad = o.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > LIMITS.latencyMs);
      if (bad >= 0) k.add(`overheadSamplesMs.${bad}`, `must be a finite number, got ${describe(o[bad])}`);
    }
  }
  k.throwIfAny();
}

function validateSimService(k: Checker, s: SimServiceSpec): void {
  if (!isObject(s)) return k.add('service', 'must be an object');
  if (s.kind === 'empirical') {
    if (!Array.isArray(s.samplesMs) || s.samplesMs.length === 0) return k.add('service.samplesMs', 'must be a non-empty array');
    const bad = s.samplesMs.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > LIMITS.meanMs);
    if (bad >= 0) return k.add(`service.samplesMs.${bad}`, `must be a finite number in [0, ${LIMITS.meanMs}], got ${describe(s.samplesMs[bad])}`);
    if (!s.samplesMs.some((x) => x > 0)) k.add('service.samplesMs', 'must not be all zero');
    return;
  }
  k.number('service.meanMs', s.meanMs, { minExclusive: 0, max: LIMITS.meanMs });
  switch (s.kind) {
    case 'exponential':
    case 'deterministic':
      return;
    case 'gamma':
    case 'lognormal':
      k.number('service.scv', s.scv, { minExclusive: 0, max: LIMITS.scv });
      return;
    case 'pareto':
      if ((s.scv === undefined) === (s.alpha === undefined)) return k.add('service', 'pareto needs exactly one of scv or alpha');
      k.optionalNumber('service.scv', s.scv, { minExclusive: 0, max: LIMITS.scv });
      k.optionalNumber('service.alpha', s.alpha, { minExclusive: 1, max: 1e6 });
      return;
    default:
      k.add('service.kind', `must be exponential, deterministic, gamma, lognormal, pareto or empirical, got ${String((s as { kind?: unknown }).kind)}`);
  }
}

function validateSimArrivals(k: Checker, a: SimArrivalSpec): void {
  if (!isObject(a)) return k.add('arrivals', 'must be an object');
  if (a.kind === 'poisson') return;
  if (a.kind === 'bursty') return void k.number('arrivals.scv', a.scv, { min: 0, max: LIMITS.scv });
  k.add('arrivals.kind', `must be poisson or bursty, got ${String((a as { kind?: unknown }).kind)}`);
}
