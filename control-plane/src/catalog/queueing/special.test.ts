import { describe, expect, it } from 'vitest';
import { erfc, gammaP, gammaQ, lnGamma, normalCdf } from './special.ts';

describe('special functions (vectors from Abramowitz & Stegun and closed forms)', () => {
  it('lnGamma', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13); // Γ(1/2) = √π
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12); // Γ(10) = 9!
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 10); // ln(99!)
  });

  it('regularised incomplete gamma: closed forms for integer shape', () => {
    for (const x of [0.01, 0.5, 1, 3, 10, 40]) {
      expect(gammaP(1, x)).toBeCloseTo(-Math.expm1(-x), 14);
      expect(gammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 14);
      expect(gammaQ(3, x)).toBeCloseTo(Math.exp(-x) * (1 + x + (x * x) / 2), 14);
    }
  });

  it('erfc and Φ', () => {
    // A&S Table 7.1: erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650.
    expect(erfc(0.5)).toBeCloseTo(1 - 0.5204998778, 10);
    expect(erfc(1)).toBeCloseTo(1 - 0.8427007929, 10);
    expect(erfc(2)).toBeCloseTo(1 - 0.995322265, 10);
    expect(erfc(-1)).toBeCloseTo(1 + 0.8427007929, 10);
    // A&S Table 26.1 / standard normal tables: Φ(1.96) = 0.9750021, Φ(2.326348) = 0.99, Φ(0) = 0.5.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(2.3263478740408408)).toBeCloseTo(0.99, 12);
    expect(normalCdf(0)).toBe(0.5);
  });
});
