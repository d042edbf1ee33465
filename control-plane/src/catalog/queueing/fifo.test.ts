import { describe, expect, it } from 'vitest';
import { replayFifo } from './fifo.ts';

describe('replayFifo', () => {
  it('serves in arrival order on the earliest free server (hand-worked, c = 2)', () => {
    // t:    0   1   2   3   10
    // s:    5   5   1   1   1
    // A → server 1 (0–5), B → server 2 (1–6), C waits for 5 (5–6), D waits for 6 (6–7), E finds both free.
    expect(Array.from(replayFifo([0, 1, 2, 3, 10], [5, 5, 1, 1, 1], 2))).toEqual([0, 0, 3, 3, 0]);
  });

  it('one server is Lindley’s recursion W(n+1) = max(0, W(n) + S(n) − gap)', () => {
    const arrivals = [0, 2, 3, 9, 9.5];
    const services = [4, 3, 1, 0.2, 1];
    const lindley = [0];
    for (let n = 1; n < arrivals.length; n++) lindley.push(Math.max(0, lindley[n - 1]! + services[n - 1]! - (arrivals[n]! - arrivals[n - 1]!)));
    expect(Array.from(replayFifo(arrivals, services, 1))).toEqual(lindley);
  });

  it('rejects unsorted arrivals, negative services and mismatched lengths', () => {
    expect(() => replayFifo([1, 0], [1, 1], 1)).toThrow(/sorted/);
    expect(() => replayFifo([0, 1], [1, -1], 1)).toThrow(/services/);
    expect(() => replayFifo([0], [1, 1], 1)).toThrow(/length/);
    expect(() => replayFifo([0], [1], 0)).toThrow(/servers/);
  });
});
