import { describe, expect, it } from 'vitest';
import { formatDecimal, MicrosInputSchema, parseDecimal, SloObjectiveInputSchema, UsdInputSchema } from './catalog.ts';

// Decimal text → integer at a scale, and the exact answer. Some are cheap traps for a parse through
// floats: 1.005 × 10^6 and 8.2 × 10^6 land just below the integer (truncation loses a micro), and past
// 2^53 micros (about $9 billion) a double cannot hold every integer (rounding lands on a neighbour).
const EXACT: [text: string, scale: number, expected: bigint][] = [
  ['0.00125', 6, 1250n],
  ['12', 6, 12_000_000n],
  ['.5', 6, 500_000n],
  ['3.', 6, 3_000_000n],
  ['0.29', 6, 290_000n],
  ['1.005', 6, 1_005_000n],
  ['8.2', 6, 8_200_000n],
  ['0.000001', 6, 1n],
  ['1.230000000', 6, 1_230_000n], // trailing zeros are not precision
  ['9007199254.740993', 6, 9_007_199_254_740_993n], // 2^53 + 1 micros
  ['9223372036854.775807', 6, 9_223_372_036_854_775_807n], // 2^63 - 1 micros, the column's maximum
  ['92233720368547.758070', 6, 92_233_720_368_547_758_070n],
  ['99.9', 4, 999_000n],
];

describe('exact decimals', () => {
  it.each(EXACT)('parses %s at scale %i exactly', (text, scale, expected) => {
    expect(parseDecimal(text, scale)).toBe(expected);
  });

  it('has vectors that catch a parse through floats, rounding or truncating', () => {
    const viaFloat = (round: (x: number) => number) => (text: string, scale: number) => BigInt(round(Number(text) * 10 ** scale));
    for (const parse of [viaFloat(Math.round), viaFloat(Math.trunc)]) {
      expect(EXACT.filter(([text, scale, expected]) => parse(text, scale) !== expected).length).toBeGreaterThan(0);
    }
  });

  it.each(['', '.', '-1', '-0.29', '+1', '1e-6', '1E6', '2.9e-1', '0x10', '1,5', '1_000', 'Infinity', '0.0000001', '1.0000005', 'NaN', '1 2'])(
    'refuses %j (no rounding, no floats, no exponents)',
    (text) => {
      expect(parseDecimal(text, 6)).toBeNull();
    },
  );

  it('formats back without trailing zeros', () => {
    expect([1250n, 12_000_000n, 0n, 1n, 999_000n].map((v) => formatDecimal(v, 6))).toEqual(['0.00125', '12', '0', '0.000001', '0.999']);
    expect(formatDecimal(999_000n, 4)).toBe('99.9');
  });
});

describe('money and objective inputs', () => {
  it('take micros as digit strings or safe integers, never fractions or past 2^63-1', () => {
    expect(MicrosInputSchema.parse('9007199254740993')).toBe(9_007_199_254_740_993n);
    expect(MicrosInputSchema.parse(12)).toBe(12n);
    for (const bad of [1.5, -1, '12.0', '9223372036854775808', 2 ** 60]) expect(MicrosInputSchema.safeParse(bad).success).toBe(false);
    expect(UsdInputSchema.parse('0.1')).toBe(100_000n);
    expect(UsdInputSchema.parse('9223372036854.775807')).toBe(2n ** 63n - 1n);
    for (const bad of ['9223372036854.775808', '0.0000005', '1e-3', '-0.29']) expect(UsdInputSchema.safeParse(bad).success, bad).toBe(false);
    // 0.1 + 0.2 in floats is 0.30000000000000004; here the sum of exact micros is exact.
    expect(UsdInputSchema.parse('0.1') + UsdInputSchema.parse('0.2')).toBe(UsdInputSchema.parse('0.3'));
  });

  it('reads objectives as ppm from percent, fraction text or a YAML number', () => {
    expect(['99.9%', '0.999', 0.999, '99.99%', '50%'].map((v) => SloObjectiveInputSchema.parse(v))).toEqual([999_000, 999_000, 999_000, 999_900, 500_000]);
    for (const bad of ['100%', '0', 1, '99.99999%', '-5%', 'high']) expect(SloObjectiveInputSchema.safeParse(bad).success).toBe(false);
  });
});
