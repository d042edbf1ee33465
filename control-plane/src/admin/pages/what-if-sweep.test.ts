import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_LOAD_FACTOR } from '@conductor/schema/contracts/catalog';
import { loadStep, planSweep } from './what-if-sweep.ts';

/** ρ at each planned factor, given ρ at today's load (ρ is linear in load). */
const rhos = (rhoAtToday: number, factors: number[]) => factors.map((f) => f * rhoAtToday);

describe('planSweep', () => {
  it('reaches saturation for an origin with plenty of headroom (the demo op: ρ 0.08 today)', () => {
    // Catalog baseline of entity-by-id: 40 req/s, no cache, 16 servers of 32 ms → ρ = 40 × 0.032 / 16 = 0.08.
    const plan = planSweep(0.08, 1);
    expect(plan.saturatesAt).toBeCloseTo(12.5, 12);
    const rho = rhos(0.08, plan.loadFactors);
    const stable = rho.filter((r) => r < 1);
    expect(Math.max(...stable)).toBeGreaterThanOrEqual(0.95);
    expect(rho.some((r) => r >= 1)).toBe(true);
    // Denser towards the knee: at least four points between ρ 0.9 and 1.
    expect(stable.filter((r) => r >= 0.9).length).toBeGreaterThanOrEqual(4);
    expect(plan.loadFactors).toContain(1);
    expect(plan.loadFactors).toEqual([...plan.loadFactors].sort((a, b) => a - b));
    expect(plan.maxLoad).toBe(14);
  });

  it('goes far beyond ×50 when today sends a trickle to a large fleet', () => {
    // 0.33 req/s, 75 % hits, 16 servers of 55 ms: ρ ≈ 0.083 × 0.055 / 16.
    const rhoAtToday = ((1200 / 3600) * 0.25 * 0.055) / 16;
    const plan = planSweep(rhoAtToday, 1);
    expect(plan.saturatesAt!).toBeGreaterThan(3000);
    expect(Math.max(...plan.loadFactors)).toBeGreaterThan(plan.saturatesAt!);
    expect(plan.maxLoad).toBeGreaterThanOrEqual(Math.max(...plan.loadFactors));
    // Labels stay readable: three significant digits.
    for (const f of plan.loadFactors) expect(Number(f.toPrecision(3))).toBe(f);
    // Rounding never pushes the last stable point over the edge: 12 sampled below ρ = 1, plus today's.
    expect(rhos(rhoAtToday, plan.loadFactors).filter((r) => r < 1).length).toBe(12 + 1);
  });

  it("keeps today's and the chosen load factor, without duplicates", () => {
    const plan = planSweep(0.08, 7.3);
    expect(plan.loadFactors).toContain(7.3);
    expect(plan.loadFactors).toContain(1);
    expect(new Set(plan.loadFactors).size).toBe(plan.loadFactors.length);
    expect(planSweep(0.08, 5).loadFactors.filter((f) => f === 5)).toHaveLength(1);
  });

  it('charts an origin that is already saturated today below ×1', () => {
    const plan = planSweep(2, 1);
    expect(plan.saturatesAt).toBe(0.5);
    expect(plan.loadFactors[0]).toBeCloseTo(0.05, 12);
    expect(plan.maxLoad).toBe(1);
  });

  it('stays within what the API accepts', () => {
    const plan = planSweep(1e-7, 1);
    expect(plan.saturatesAt).toBeCloseTo(1e7, 0);
    expect(Math.max(...plan.loadFactors)).toBeLessThanOrEqual(MAX_SWEEP_LOAD_FACTOR);
    expect(plan.maxLoad).toBe(MAX_SWEEP_LOAD_FACTOR);
  });

  it('falls back to a fixed range when nothing reaches the origin', () => {
    for (const rho of [0, undefined, Number.NaN]) {
      const plan = planSweep(rho, 1);
      expect(plan.saturatesAt).toBeNull();
      expect(plan.loadFactors).toEqual([0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5]);
      expect(plan.maxLoad).toBe(5);
    }
  });
});

describe('loadStep', () => {
  it('divides 1, so today (×1) is a position of the slider', () => {
    for (const max of [5, 14, 50, 200, 3700, MAX_SWEEP_LOAD_FACTOR]) {
      const step = loadStep(max);
      expect(Number.isInteger(Number((1 / step).toPrecision(12))), `max ${max}`).toBe(true);
      expect(max / step, `max ${max}`).toBeGreaterThanOrEqual(100);
    }
  });
});
