import { describe, expect, it } from 'vitest';
import { erlangB, erlangC } from './erlang.ts';

/**
 * Second, independent computation: Erlang C straight from its textbook definition
 *   C(c, a) = (a^c/c!)·c/(c − a) / (Σ_{k<c} a^k/k! + (a^c/c!)·c/(c − a))
 * in exact rational arithmetic (bigint) for integer and half-integer loads, no recursion shared
 * with the implementation under test.
 */
function erlangCExact(c: number, aNum: bigint, aDen: bigint): number {
  // Multiply every term by c!·aDen^c to stay in integers: term_k = a^k/k! → aNum^k·aDen^(c−k)·c!/k!.
  const C = BigInt(c);
  let factC = 1n;
  for (let i = 2n; i <= C; i++) factC *= i;
  let sum = 0n;
  let fact = 1n;
  for (let k = 0n; k < C; k++) {
    if (k > 0n) fact *= k;
    sum += aNum ** k * aDen ** (C - k) * (factC / fact);
  }
  // (a^c/c!)·c/(c − a) scaled by c!·aDen^c = aNum^c · c·aDen/(c·aDen − aNum)
  const lastNum = aNum ** C * C * aDen;
  const lastDen = C * aDen - aNum;
  const num = lastNum;
  const den = sum * lastDen + lastNum;
  // num/den as a double with ~17 significant digits
  const scaled = (num * 10n ** 18n) / den;
  return Number(scaled) / 1e18;
}

describe('erlangC', () => {
  it('matches published values', () => {
    // Standard call-centre Erlang C tables: 10 agents, 8 Erlangs → P(wait) ≈ 0.409.
    expect(erlangC(10, 8)).toBeCloseTo(0.409, 3);
    // Call Centre Helper, "Erlang C formula – made simple with an easy worked example":
    // 100 calls per 30 min, 180 s handle time (10 Erlangs), 11 agents → probability of waiting 68.21 %.
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    // Wolfram Language ErlangC documentation, packet example: two 1 Mbps lines, 150 packets/s of
    // mean 10 kbit (μ = 100/s, a = 1.5). M/M/2 closed form 2ρ²/(1 + ρ) with ρ = 0.75 → 9/14.
    expect(erlangC(2, 1.5)).toBeCloseTo(9 / 14, 14);
    // Same documentation, support-centre example: 30 calls/h, 5 min mean (a = 2.5): the fewest
    // staff giving P(delay) ≤ 10 % is 6.
    expect(erlangC(5, 2.5)).toBeGreaterThan(0.1);
    expect(erlangC(6, 2.5)).toBeLessThanOrEqual(0.1);
    // Textbook exercise (120 customers/h, 3 min each, 10 assistants, a = 6): "about 0.10" from the Erlang C curve.
    expect(erlangC(10, 6)).toBeCloseTo(0.10, 2);
  });

  it('reduces to M/M/1: C(1, ρ) = ρ', () => {
    for (const rho of [0.1, 0.5, 0.9, 0.999]) expect(erlangC(1, rho)).toBeCloseTo(rho, 14);
  });

  it('agrees with an exact rational evaluation of the definition', () => {
    const cases: Array<[number, bigint, bigint]> = [
      [10, 8n, 1n],
      [11, 10n, 1n],
      [2, 3n, 2n],
      [4, 16n, 5n], // a = 3.2
      [30, 25n, 1n],
      [55, 48n, 1n], // 360 calls per half hour of 4 min on 55 agents
      [100, 190n, 2n], // a = 95
    ];
    for (const [c, n, d] of cases) {
      expect(erlangC(c, Number(n) / Number(d))).toBeCloseTo(erlangCExact(c, n, d), 12);
    }
  });

  it('stays finite and accurate for thousands of servers (Erlang B recursion, no factorials)', () => {
    const c = erlangC(5000, 4900);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    // Halfin–Whitt: with c = a + β√a, C → (1 + β·Φ(β)/φ(β))⁻¹; β = 100/70 ≈ 1.4286 gives ≈ 0.1 (loose check).
    expect(c).toBeGreaterThan(0.05);
    expect(c).toBeLessThan(0.2);
  });

  it('is 1 at ρ ≥ 1 and 0 with no load', () => {
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(4, 9)).toBe(1);
    expect(erlangC(4, 0)).toBe(0);
  });

  it('rejects c = 0, fractional c and negative or non-finite load', () => {
    expect(() => erlangC(0, 1)).toThrow(RangeError);
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
    expect(() => erlangC(2, -1)).toThrow(RangeError);
    expect(() => erlangC(2, Number.NaN)).toThrow(RangeError);
    expect(() => erlangB(2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('erlangB', () => {
  it('matches the Erlang B definition for small cases', () => {
    // B(1, a) = a/(1 + a); B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2.
    expect(erlangB(1, 3)).toBeCloseTo(0.75, 15);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    // Erlang B tables: 10 circuits at 1 % blocking carry ≈ 4.46 Erlangs.
    expect(erlangB(10, 4.46)).toBeCloseTo(0.01, 3);
  });
});
