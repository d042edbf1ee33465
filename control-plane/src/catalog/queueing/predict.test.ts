import { describe, expect, it } from 'vitest';
import { QueueingValidationError, applyWhatIf, compareWhatIf, erlangC, mmc, predict } from './index.ts';
import type { MmcStable, WhatIfInput, WhatIfStable } from './index.ts';

const base: WhatIfInput = {
  arrival: { ratePerSecond: 160 },
  capacity: { instances: 2, concurrencyPerInstance: 2 },
  service: { meanMs: 20 },
};

const stable = (input: WhatIfInput) => {
  const r = predict(input);
  if (r.saturated) throw new Error(`unexpectedly saturated: ${r.reason}`);
  return r as WhatIfStable;
};

describe('predict: M/M/c', () => {
  it('uses Erlang C and the exact sojourn quantiles', () => {
    const r = stable(base);
    expect(r.model).toBe('M/M/c');
    expect(r.servers).toBe(4);
    expect(r.rho).toBeCloseTo(0.8, 14);
    expect(r.probWait).toBeCloseTo(erlangC(4, 3.2), 14);
    const q = mmc({ lambda: 0.16, mu: 0.05, servers: 4 }) as MmcStable; // per ms
    expect(r.meanLatencyMs).toBeCloseTo(q.meanSojourn, 9);
    expect(r.latencyMs.p95).toBeCloseTo(q.sojournQuantile(0.95), 6);
    expect(r.latencyMs.p99).toBeCloseTo(q.sojournQuantile(0.99), 6);
    expect(r.latencyMs.p50).toBeLessThan(r.latencyMs.p95);
  });

  it('gamma service at scv → 1 meets the closed form (numerical convolution vs closed form)', () => {
    const exact = stable(base);
    const numeric = stable({ ...base, service: { meanMs: 20, scv: 1 + 1e-9, distribution: 'gamma' } });
    expect(numeric.model).toBe('G/G/c Allen-Cunneen');
    expect(numeric.latencyMs.p95).toBeCloseTo(exact.latencyMs.p95, 4);
    expect(numeric.latencyMs.p99).toBeCloseTo(exact.latencyMs.p99, 4);
  });

  it('Allen–Cunneen scales the mean wait by (c_a² + c_s²)/2', () => {
    const mm = stable(base);
    const gg = stable({ ...base, arrival: { ratePerSecond: 160, scv: 2 }, service: { meanMs: 20, scv: 0.5 } });
    expect(gg.meanWaitMs).toBeCloseTo(mm.meanWaitMs * 1.25, 9);
    const dd = stable({ ...base, arrival: { ratePerSecond: 160, scv: 0 }, service: { meanMs: 20, distribution: 'deterministic' } });
    expect(dd.meanWaitMs).toBe(0);
    expect(dd.latencyMs).toEqual({ p50: 20, p95: 20, p99: 20 });
  });

  it('adds the overhead to every miss and mixes in hits at edge latency', () => {
    const noCache = stable(base);
    const withOverhead = stable({ ...base, overheadMs: 3 });
    expect(withOverhead.latencyMs.p99).toBeCloseTo(noCache.latencyMs.p99 + 3, 6);
    // Half the traffic hits: the origin sees 80 req/s (ρ = 0.4); the client p50 is the hit latency.
    const cached = stable({ ...base, cache: { hitRatio: 0.5, hitLatencyMs: 2 } });
    expect(cached.originLambda).toBe(80);
    expect(cached.rho).toBeCloseTo(0.4, 14);
    expect(cached.latencyMs.p50).toBe(2);
    const origin = stable({ ...base, arrival: { ratePerSecond: 80 } });
    expect(cached.originLatencyMs.p99).toBeCloseTo(origin.latencyMs.p99, 6);
    // client p99 = origin quantile at 1 − 0.01/0.5 = 0.98
    const q = mmc({ lambda: 0.08, mu: 0.05, servers: 4 }) as MmcStable;
    expect(cached.latencyMs.p99).toBeCloseTo(q.sojournQuantile(0.98), 6);
    const allHits = stable({ ...base, cache: { hitRatio: 1, hitLatencyMs: 1.5 } });
    expect(allHits.latencyMs).toEqual({ p50: 1.5, p95: 1.5, p99: 1.5 });
    expect(allHits.rho).toBe(0);
  });

  it('thins bursty client traffic before it reaches the origin', () => {
    const r = predict({ ...base, arrival: { ratePerSecond: 160, scv: 3 }, cache: { hitRatio: 0.5 } });
    expect(r.model).toBe('G/G/c Allen-Cunneen'); // miss stream scv 0.5·3 + 0.5 = 2
  });
});

describe('predict: SLO and error budget', () => {
  it('checks p95/p99 targets and the budget of a latency objective', () => {
    const r = stable({ ...base, slo: { p95TargetMs: 100, p99TargetMs: 120 } });
    expect(r.slo!.p95).toEqual({ targetMs: 100, predictedMs: r.latencyMs.p95, met: true });
    expect(r.slo!.p99!.met).toBe(false);
    const q = mmc({ lambda: 0.16, mu: 0.05, servers: 4 }) as MmcStable;
    const budget = r.slo!.errorBudget!;
    expect(budget.thresholdMs).toBe(120);
    expect(budget.objective).toBe(0.99);
    expect(budget.fractionOver).toBeCloseTo(q.sojournSurvival(120), 12);
    expect(budget.budget).toBeCloseTo(0.01, 15);
    expect(budget.burnRate).toBeCloseTo(q.sojournSurvival(120) / 0.01, 9);
    expect(budget.withinBudget).toBe(false);
    expect(r.slo!.met).toBe(false);
  });

  it('a threshold at the predicted p99 spends exactly the 1 % budget', () => {
    const p99 = stable(base).latencyMs.p99;
    const r = stable({ ...base, slo: { thresholdMs: p99, objective: 0.99 } });
    expect(r.slo!.errorBudget!.burnRate).toBeCloseTo(1, 6);
  });
});

describe('predict: saturation', () => {
  it('ρ ≥ 1 is a clear result without latency numbers', () => {
    for (const rate of [200, 250, 1e6]) {
      const r = predict({ ...base, arrival: { ratePerSecond: rate }, slo: { p99TargetMs: 100 }, price: { kind: 'instance-hour', microsPerInstanceHour: 10_000n } });
      expect(r.saturated).toBe(true);
      if (!r.saturated) return;
      expect(r.rho).toBeGreaterThanOrEqual(1);
      expect(r).not.toHaveProperty('latencyMs');
      expect(r.slo).toEqual({ met: false });
      expect(r.minServersForStability).toBe(Math.floor(rate / 50) + 1);
      expect(r.cost.perHourMicros).toBe(20_000n);
      expect(r.reason).toMatch(/ρ = .* ≥ 1/);
      expect(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toMatch(/NaN|Infinity|null,"latency/);
    }
  });
});

describe('predict: validation', () => {
  const bad: Array<[string, WhatIfInput, RegExp]> = [
    ['negative rate', { ...base, arrival: { ratePerSecond: -1 } }, /arrival.ratePerSecond: must be ≥ 0/],
    ['NaN rate', { ...base, arrival: { ratePerSecond: Number.NaN } }, /arrival.ratePerSecond: must be a finite number/],
    ['infinite rate', { ...base, arrival: { ratePerSecond: Number.POSITIVE_INFINITY } }, /finite/],
    ['c = 0', { ...base, capacity: { instances: 0, concurrencyPerInstance: 2 } }, /capacity.instances: must be ≥ 1/],
    ['fractional concurrency', { ...base, capacity: { instances: 1, concurrencyPerInstance: 1.5 } }, /integer/],
    ['zero service mean', { ...base, service: { meanMs: 0 } }, /service.meanMs: must be > 0/],
    ['negative scv', { ...base, service: { meanMs: 10, scv: -0.1 } }, /service.scv: must be ≥ 0/],
    ['negative arrival scv', { ...base, arrival: { ratePerSecond: 1, scv: -1 } }, /arrival.scv/],
    ['hit ratio > 1', { ...base, cache: { hitRatio: 1.2 } }, /cache.hitRatio: must be ≤ 1/],
    ['hit ratio < 0', { ...base, cache: { hitRatio: -0.1 } }, /cache.hitRatio: must be ≥ 0/],
    ['exponential with scv 2', { ...base, service: { meanMs: 10, scv: 2, distribution: 'exponential' } }, /scv 1/],
    ['objective 1', { ...base, slo: { thresholdMs: 10, objective: 1 } }, /slo.objective/],
    ['float money', { ...base, price: { kind: 'instance-hour', microsPerInstanceHour: 1.5 as unknown as bigint } }, /bigint/],
    ['negative money', { ...base, price: { kind: 'instance-hour', microsPerInstanceHour: -1n } }, /≥ 0/],
    ['zero memory', { ...base, price: { kind: 'per-request', microsPerMillionRequests: 1n, microsPerMillionGbSeconds: 1n, memoryGb: 0 } }, /memoryGb/],
  ];
  it.each(bad)('%s → QueueingValidationError', (_name, input, message) => {
    let caught: unknown;
    try {
      predict(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueueingValidationError);
    const e = caught as QueueingValidationError;
    expect(e.code).toBe('QUEUEING_INVALID_INPUT');
    expect(e.message).toMatch(message);
    expect(e.issues.length).toBeGreaterThan(0);
  });

  it('lists every issue at once', () => {
    const input = { arrival: { ratePerSecond: -1 }, capacity: { instances: 0, concurrencyPerInstance: 0 }, service: { meanMs: -5 } };
    expect(() => predict(input)).toThrow(QueueingValidationError);
    try {
      predict(input);
    } catch (err) {
      expect((err as QueueingValidationError).issues.map((i) => i.path)).toEqual([
        'arrival.ratePerSecond',
        'capacity.instances',
        'capacity.concurrencyPerInstance',
        'service.meanMs',
      ]);
    }
  });
});

describe('what-if changes', () => {
  it('scales or replaces the load and changes capacity', () => {
    expect(applyWhatIf(base, { arrivalFactor: 1.5 }).arrival.ratePerSecond).toBe(240);
    expect(applyWhatIf(base, { arrivalRatePerSecond: 10 }).arrival.ratePerSecond).toBe(10);
    const { baseline, scenario } = compareWhatIf(base, { arrivalFactor: 1.5, instances: 4 });
    expect(baseline.rho).toBeCloseTo(0.8, 14);
    expect(scenario.rho).toBeCloseTo(0.6, 14);
    expect(compareWhatIf(base, { arrivalFactor: 2 }).scenario.saturated).toBe(true);
  });

  it('rejects contradictory or invalid changes', () => {
    expect(() => applyWhatIf(base, { arrivalFactor: 2, arrivalRatePerSecond: 3 })).toThrow(/not both/);
    expect(() => applyWhatIf(base, { arrivalFactor: -1 })).toThrow(QueueingValidationError);
    expect(() => applyWhatIf(base, { instances: 0 })).toThrow(/instances/);
    expect(() => applyWhatIf(base, { hitRatio: 2 })).toThrow(/hitRatio/);
  });
});
