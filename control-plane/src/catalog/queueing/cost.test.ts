import { describe, expect, it } from 'vitest';
import { computeCost, divRoundHalfUp } from './cost.ts';

describe('computeCost (bigint micro-dollars)', () => {
  it('instance-hour: instances × price; per million requests rounded half up', () => {
    // 3 instances at $0.05/h; 100 req/s = 360 000 req/h → $0.15 / 0.36 M = $0.41666… per M.
    const cost = computeCost({ lambda: 100, hitRatio: 0, instances: 3, serviceMeanMs: 20, price: { kind: 'instance-hour', microsPerInstanceHour: 50_000n } });
    expect(cost).toEqual({ perHourMicros: 150_000n, perMillionRequestsMicros: 416_667n });
  });

  it('per-request + GB-seconds at AWS Lambda list prices, only misses billed', () => {
    // aws.amazon.com/lambda/pricing (x86, first tier): $0.20 per 1M requests, $0.0000166667 per GB-second.
    // 100 req/s, 50 % hits → 180 000 misses/h: requests 180 000 × $0.0000002 = $0.036;
    // compute 180 000 × 0.020 s × 1 GB = 3 600 GB-s × $0.0000166667 = $0.06000012.
    // Per hour $0.09600012 → 96 000 µ$; per million client requests 96 000.12 / 0.36 = 266 667.0 µ$.
    const cost = computeCost({
      lambda: 100,
      hitRatio: 0.5,
      instances: 1,
      serviceMeanMs: 20,
      price: { kind: 'per-request', microsPerMillionRequests: 200_000n, microsPerMillionGbSeconds: 16_666_700n, memoryGb: 1 },
    });
    expect(cost).toEqual({ perHourMicros: 96_000n, perMillionRequestsMicros: 266_667n });
  });

  it('no price → nulls; no traffic → no per-request figure', () => {
    expect(computeCost({ lambda: 10, hitRatio: 0, instances: 1, serviceMeanMs: 1 })).toEqual({ perHourMicros: null, perMillionRequestsMicros: null });
    const idle = computeCost({ lambda: 0, hitRatio: 0, instances: 2, serviceMeanMs: 1, price: { kind: 'instance-hour', microsPerInstanceHour: 7n } });
    expect(idle).toEqual({ perHourMicros: 14n, perMillionRequestsMicros: null });
  });

  it('rounds exactly half up, once', () => {
    expect(divRoundHalfUp(5n, 2n)).toBe(3n);
    expect(divRoundHalfUp(7n, 2n)).toBe(4n);
    expect(divRoundHalfUp(4n, 3n)).toBe(1n);
    expect(divRoundHalfUp(5n, 3n)).toBe(2n);
    // 1 req/s, 1 instance at 1 µ$/h → 3 600 req/h → 1e6/3600 = 277.77… → 278
    const c = computeCost({ lambda: 1, hitRatio: 0, instances: 1, serviceMeanMs: 1, price: { kind: 'instance-hour', microsPerInstanceHour: 1n } });
    expect(c.perMillionRequestsMicros).toBe(278n);
  });
});
