import { describe, expect, it } from 'vitest';
import { createServiceTimeSampler } from './service-time.ts';

function moments(draw: () => number, n: number): { mean: number; scv: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, scv: (sumSq / n - mean * mean) / (mean * mean) };
}

describe('createServiceTimeSampler', () => {
  it('constant returns the mean', () => {
    const draw = createServiceTimeSampler({ distribution: 'constant', meanMs: 30 });
    expect([draw(), draw()]).toEqual([30, 30]);
  });

  it('exponential has the mean and scv 1 (200k draws, fixed seed)', () => {
    const m = moments(createServiceTimeSampler({ distribution: 'exponential', meanMs: 20, seed: 5 }), 200_000);
    expect(Math.abs(m.mean / 20 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.scv - 1)).toBeLessThan(0.03);
  });

  it('lognormal matches mean and scv (200k draws, fixed seed)', () => {
    const m = moments(createServiceTimeSampler({ distribution: 'lognormal', meanMs: 20, scv: 0.5, seed: 5 }), 200_000);
    expect(Math.abs(m.mean / 20 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.scv - 0.5)).toBeLessThan(0.05);
  });

  it('is repeatable for a seed', () => {
    const a = createServiceTimeSampler({ distribution: 'exponential', meanMs: 10, seed: 3 });
    const b = createServiceTimeSampler({ distribution: 'exponential', meanMs: 10, seed: 3 });
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('rejects bad parameters', () => {
    expect(() => createServiceTimeSampler({ distribution: 'lognormal', meanMs: 10, scv: 0 })).toThrow(RangeError);
    expect(() => createServiceTimeSampler({ distribution: 'exponential', meanMs: -1 })).toThrow(RangeError);
  });
});
