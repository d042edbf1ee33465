import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

describe('backoffDelayMs', () => {
  it.each([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [3, 0.999, 399],
    [1, 0, 0],
  ])('retry %i with random %f waits %i ms (base 100)', (retry, random, expected) => {
    expect(backoffDelayMs(retry, 100, 10_000, random)).toBe(expected);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(20, 100, 2_000, 0.999)).toBe(1_998);
  });
});
