import { describe, expect, it } from 'vitest';
import { betaI, erfc, gammaP, gammaQ, lnGamma, normalCdf, studentTCdf, studentTQuantile } from './special.ts';

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

  it('regularised incomplete beta: closed forms', () => {
    for (const x of [0.001, 0.2, 0.5, 0.77, 0.999]) {
      expect(betaI(x, 1, 1)).toBeCloseTo(x, 14);
      expect(betaI(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 13); // I_x(a, 1) = x^a
      expect(betaI(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 13); // I_x(1, b) = 1 − (1 − x)^b
      expect(betaI(x, 2.5, 7) + betaI(1 - x, 7, 2.5)).toBeCloseTo(1, 13); // symmetry
    }
  });

  it("Student's t: closed-form CDFs and published quantiles", () => {
    for (const t of [-3, -0.4, 0, 0.7, 2, 12]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13); // Cauchy
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
    // One-sided 95 % and 97.5 % points (standard t tables, e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2).
    const table: Array<[number, number, number]> = [
      [0.95, 1, 6.313751515],
      [0.95, 2, 2.91998558],
      [0.95, 5, 2.015048373],
      [0.95, 10, 1.812461123],
      [0.95, 14, 1.76131014],
      [0.95, 30, 1.697260887],
      [0.975, 10, 2.228138852],
      [0.99, 20, 2.527977003],
    ];
    for (const [p, nu, t] of table) expect(studentTQuantile(p, nu)).toBeCloseTo(t, 8);
    expect(studentTQuantile(0.05, 10)).toBeCloseTo(-1.812461123, 8);
    expect(studentTQuantile(0.95, 1e7)).toBeCloseTo(1.644853627, 5); // → the normal quantile
  });
});
