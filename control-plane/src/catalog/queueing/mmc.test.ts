import { describe, expect, it } from 'vitest';
import { erlangC } from './erlang.ts';
import { hypoexpSurvival, mmc, type MmcStable } from './mmc.ts';

const stable = (p: Parameters<typeof mmc>[0]) => {
  const r = mmc(p);
  if (r.saturated) throw new Error('expected a stable queue');
  return r as MmcStable;
};

describe('mmc', () => {
  it('M/M/1: sojourn is Exp(μ − λ) (Kleinrock Vol. I, eq. 3.28)', () => {
    const q = stable({ lambda: 0.8, mu: 1, servers: 1 });
    expect(q.meanSojourn).toBeCloseTo(5, 12);
    for (const t of [0.1, 1, 5, 20]) expect(q.sojournSurvival(t)).toBeCloseTo(Math.exp(-0.2 * t), 12);
    // p-quantile of Exp(0.2): −ln(1 − p)/0.2
    expect(q.sojournQuantile(0.95)).toBeCloseTo(-Math.log(0.05) / 0.2, 8);
    expect(q.sojournQuantile(0.99)).toBeCloseTo(-Math.log(0.01) / 0.2, 8);
  });

  it('waiting time: P(Wq > t) = C·e^(−(cμ−λ)t), E[Wq] = C/(cμ − λ), Little', () => {
    // Call-centre example: 10 Erlangs on 11 agents, 180 s handle time, per-second rates.
    const q = stable({ lambda: 10 / 180, mu: 1 / 180, servers: 11 });
    const C = erlangC(11, 10);
    expect(q.probWait).toBeCloseTo(C, 14);
    expect(q.meanWait).toBeCloseTo(C * 180, 9); // C/(cμ − λ) = C/(1/180)
    expect(q.waitSurvival(20)).toBeCloseTo(C * Math.exp(-20 / 180), 14);
    expect(q.meanQueueLength).toBeCloseTo((10 / 180) * q.meanWait, 12);
    expect(q.waitQuantile(0.2)).toBe(0); // 1 − C ≈ 0.318 of callers do not wait
  });

  it('handles cμ − λ = μ continuously (Erlang-2 limit of the sojourn mixture)', () => {
    // c = 2, μ = 1, λ = 1 → θ = 1 = μ exactly.
    const q = stable({ lambda: 1, mu: 1, servers: 2 });
    expect(q.theta).toBe(1);
    for (const t of [0.5, 1, 3]) {
      const expected = (1 - q.probWait) * Math.exp(-t) + q.probWait * Math.exp(-t) * (1 + t);
      expect(q.sojournSurvival(t)).toBeCloseTo(expected, 14);
    }
    // and its neighbours agree with it
    expect(hypoexpSurvival(1 + 1e-9, 1, 2)).toBeCloseTo(hypoexpSurvival(1, 1, 2), 9);
    expect(hypoexpSurvival(1 - 1e-9, 1, 2)).toBeCloseTo(hypoexpSurvival(1, 1, 2), 9);
  });

  it('sojourn mean equals the integral of the survival function', () => {
    const q = stable({ lambda: 3.2, mu: 1, servers: 4 });
    let integral = 0;
    const h = 0.001;
    for (let t = h / 2; t < 200; t += h) integral += q.sojournSurvival(t) * h;
    expect(integral).toBeCloseTo(q.meanSojourn, 5);
  });

  it('quantiles invert the CDF', () => {
    const q = stable({ lambda: 8, mu: 1, servers: 10 });
    for (const p of [0.5, 0.9, 0.95, 0.99, 0.999]) expect(q.sojournCdf(q.sojournQuantile(p))).toBeCloseTo(p, 9);
  });

  it('reports saturation at ρ ≥ 1', () => {
    expect(mmc({ lambda: 4, mu: 1, servers: 4 })).toEqual({ saturated: true, rho: 1, offeredLoad: 4 });
    expect(mmc({ lambda: 5, mu: 1, servers: 4 }).saturated).toBe(true);
  });
});
