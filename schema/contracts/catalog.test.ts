import { describe, expect, it } from 'vitest';
import { formatDecimal, MicrosInputSchema, parseDecimal, SloObjectiveInputSchema, UsdInputSchema } from './catalog.ts';

describe('exact decimals', () => {
  it.each([
    ['0.00125', 6, 1250n],
    ['12', 6, 12_000_000n],
    ['.5', 6, 500_000n],
    ['3.', 6, 3_000_000n],
    ['0.000001', 6, 1n],
    ['1.230000000', 6, 1_230_000n], // trailing zeros are not precision
    ['92233720368547.758070', 6, 92_233_720_368_547_758_070n],
    ['99.9', 4, 999_000n],
  ])('parses %s at scale %i exactly', (text, scale, expected) => {
    expect(parseDecimal(text, scale)).toBe(expected);
  });

  it.each(['', '.', '-1', '1e-6', '0x10', '1,5', '0.0000001', 'NaN', '1 2'])('refuses %j (no rounding, no floats)', (text) => {
    expect(parseDecimal(text, 6)).toBeNull();
  });

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
    // 0.1 + 0.2 in floats is 0.30000000000000004; here the sum of exact micros is exact.
    expect(UsdInputSchema.parse('0.1') + UsdInputSchema.parse('0.2')).toBe(UsdInputSchema.parse('0.3'));
  });

  it('reads objectives as ppm from percent, fraction text or a YAML number', () => {
    expect(['99.9%', '0.999', 0.999, '99.99%', '50%'].map((v) => SloObjectiveInputSchema.parse(v))).toEqual([999_000, 999_000, 999_000, 999_900, 500_000]);
    for (const bad of ['100%', '0', 1, '99.99999%', '-5%', 'high']) expect(SloObjectiveInputSchema.safeParse(bad).success).toBe(false);
  });
});
