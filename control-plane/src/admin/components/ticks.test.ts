import { describe, expect, it } from 'vitest';
import { niceScale, niceStep, niceTicks } from './ticks.ts';

describe('niceTicks (fixed ranges)', () => {
  it('puts labels on round numbers inside the range', () => {
    expect(niceTicks(0, 50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0.25, 3)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(niceTicks(0, 0.3)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('keeps whole numbers on a counting axis', () => {
    expect(niceTicks(0, 3, { integer: true })).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0.5, 2.5, { integer: true })).toEqual([1, 2]);
  });
});

describe('niceScale (value axes)', () => {
  it('labels a count axis that peaks at 1 as 0 and 1, not "0, 0, 1, 1, 1"', () => {
    expect(niceScale(0, 1, { integer: true })).toEqual({ min: 0, max: 1, ticks: [0, 1] });
  });

  it('gives counts whole-number steps and extends to the next tick', () => {
    expect(niceScale(0, 3, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(niceScale(0, 7, { integer: true })).toEqual({ min: 0, max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(0, 23, { integer: true }).ticks).toEqual([0, 5, 10, 15, 20, 25]);
    expect(niceScale(0, 1234, { integer: true }).ticks).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('allows fractional steps where the quantity is continuous', () => {
    expect(niceScale(0, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceScale(0, 0.8).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceScale(0, 1800)).toEqual({ min: 0, max: 2000, ticks: [0, 500, 1000, 1500, 2000] });
    expect(niceScale(-3, 7).ticks).toEqual([-4, -2, 0, 2, 4, 6, 8]);
  });

  it('still draws an axis when every value is the same', () => {
    expect(niceScale(0, 0, { integer: true })).toEqual({ min: 0, max: 1, ticks: [0, 1] });
    expect(niceScale(0, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('never produces a fractional tick for counts, and always covers the data', () => {
    for (let max = 1; max <= 5000; max += max < 50 ? 1 : 37) {
      const { min: lo, max: hi, ticks } = niceScale(0, max, { integer: true });
      expect(ticks.every(Number.isInteger), `max ${max}: ${ticks.join(', ')}`).toBe(true);
      expect(lo).toBeLessThanOrEqual(0);
      expect(hi).toBeGreaterThanOrEqual(max);
      expect(ticks.length, `max ${max}`).toBeGreaterThanOrEqual(2);
      expect(ticks.length, `max ${max}`).toBeLessThanOrEqual(12);
      expect(new Set(ticks).size).toBe(ticks.length);
    }
  });
});

describe('niceStep', () => {
  it('picks the round step closest to the wanted number of intervals', () => {
    expect(niceStep(100)).toBe(20);
    expect(niceStep(100, { count: 10 })).toBe(10);
    expect(niceStep(0.02)).toBe(0.005);
    expect(niceStep(2, { integer: true })).toBe(1);
  });
});
