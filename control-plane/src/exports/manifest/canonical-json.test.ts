import { canonicalJson } from '@conductor/sdk';
import { describe, expect, it } from 'vitest';
import { manifestSigningInput } from './canonical-json.ts';
import { toHex } from './hex.ts';

// RFC 8785 appendix B: IEEE 754 doubles (as bit patterns) and their canonical text.
const NUMBERS: [bits: string, text: string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function double(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

describe('RFC 8785 canonical JSON (the SDK canonicalJson the manifest signs)', () => {
  it.each(NUMBERS)('serialises the double 0x%s as %s', (bits, text) => {
    expect(canonicalJson(double(bits))).toBe(text);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])('refuses the non-finite double 0x%s', (bits) => {
    expect(() => canonicalJson({ n: double(bits) })).toThrow();
  });

  // §3.2.3: property names sort by UTF-16 code units, so U+1F600 (a surrogate pair, 0xD83D…) sorts before U+FB33.
  it('sorts property names by UTF-16 code units (§3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // §3.2.4: the RFC's sample input, as JSON text, and its canonical UTF-8 bytes.
  it('turns the sample of §3.2.4 into its published bytes', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    const out = canonicalJson(input);
    expect(out).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
    expect(toHex(new TextEncoder().encode(out))).toBe(
      (
        '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 33 33 33 ' +
        '33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c 22 73 74 72 69 6e 67 ' +
        '22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d'
      ).replaceAll(' ', ''),
    );
  });

  it('escapes only what §3.2.2.2 requires, with lowercase hex', () => {
    expect(canonicalJson('\u0000\u0008\u0009\u000a\u000c\u000d\u001f"\\/\u007f\u00e9')).toBe('"\\u0000\\b\\t\\n\\f\\r\\u001f\\"\\\\/\u007f\u00e9"');
  });

  it('refuses a lone surrogate, which is not a Unicode string (§3.2.2.2)', () => {
    expect(() => canonicalJson({ s: '\udead' })).toThrow();
  });
});

describe('manifestSigningInput', () => {
  const unsigned = { tenant: 'acme', chunks: [{ size: 3, ix: 0, sha256: 'ab' }], manifestVersion: '1.0' };

  it('is the canonical JSON of the manifest without its signature, in UTF-8', () => {
    const bytes = manifestSigningInput({ ...unsigned, signature: 'aGVhZGVy..c2ln' } as never);
    expect(new TextDecoder().decode(bytes)).toBe('{"chunks":[{"ix":0,"sha256":"ab","size":3}],"manifestVersion":"1.0","tenant":"acme"}');
    expect(bytes).toEqual(manifestSigningInput(unsigned as never));
  });

  it('does not depend on the order the fields were written in', () => {
    const reordered = { manifestVersion: '1.0', chunks: [{ sha256: 'ab', ix: 0, size: 3 }], tenant: 'acme' };
    expect(manifestSigningInput(reordered as never)).toEqual(manifestSigningInput(unsigned as never));
  });
});
