import { describe, expect, it } from 'vitest';
import { leaseMsOf, nextSlot, retryAt } from './schedule.ts';

const at = (iso: string) => new Date(iso);

describe('nextSlot', () => {
  it.each([
    ['2026-11-26T12:00:00.000Z', 60_000, '2026-11-26T12:01:00.000Z'],
    ['2026-11-26T12:00:59.999Z', 60_000, '2026-11-26T12:01:00.000Z'],
    ['2026-11-26T12:34:56.000Z', 3_600_000, '2026-11-26T13:00:00.000Z'],
    ['2026-11-26T13:00:00.000Z', 3_600_000, '2026-11-26T14:00:00.000Z'],
  ])('after %s every %i ms is %s', (now, every, next) => {
    expect(nextSlot(at(now), every).toISOString()).toBe(next);
  });
});

describe('retryAt', () => {
  const now = at('2026-11-26T12:00:00Z');
  it.each([
    [1, 3_600_000, 60_000],
    [2, 3_600_000, 120_000],
    [3, 3_600_000, 240_000],
    [7, 3_600_000, 3_600_000],
    [20, 3_600_000, 3_600_000],
    [1, 60_000, 60_000],
    [5, 60_000, 60_000],
  ])('the %i-th failure of a job every %i ms retries after %i ms', (failures, every, delay) => {
    expect(retryAt(now, every, failures).getTime() - now.getTime()).toBe(delay);
  });
});

describe('leaseMsOf', () => {
  it('defaults to the interval, at least a minute', () => {
    expect(leaseMsOf({ everyMs: 3_600_000 })).toBe(3_600_000);
    expect(leaseMsOf({ everyMs: 1_000 })).toBe(60_000);
    expect(leaseMsOf({ everyMs: 60_000, leaseMs: 5_000 })).toBe(5_000);
  });
});
