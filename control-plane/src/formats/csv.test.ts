import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.ts';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['crlf\r\nhere', '"crlf\r\nhere"'],
    [' spaced ', ' spaced '],
    ['naïve ✓', 'naïve ✓'],
    // Formula injection: defused, then quoted like any other text.
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@sum', "'@sum"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', '"\'\rCR"'],
    ['a=b', 'a=b'],
    // Numbers are numbers: a negative one is not a formula.
    [-3, '-3'],
    [1.5, '1.5'],
    [0, '0'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    [true, 'true'],
    [false, 'false'],
    [null, ''],
    [undefined, ''],
    [new Date('2026-11-26T12:00:00Z'), '2026-11-26T12:00:00.000Z'],
  ] as const)('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('csvField with money', () => {
  it('writes bigints (micro-dollars) as their digits, never through a float', () => {
    expect(csvField(12n)).toBe('12');
    expect(csvField(-12n)).toBe('-12');
    expect(csvField(2n ** 63n + 1n)).toBe('9223372036854775809');
  });
});

describe('toCsv', () => {
  it('writes the header and every record with CRLF, the last one included', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, '']])).toBe('a,b\r\n1,"x,y"\r\n,\r\n');
  });

  it('takes records keyed by column, in column order, missing columns empty', () => {
    const csv = toCsv(['name', 'n', 'at', 'missing'], [
      { n: 1.5, name: 'plain', at: new Date('2026-11-26T12:00:00Z') },
      { name: 'with, comma "and" quotes\nand a line', n: 0, missing: true, ignored: 'x' },
    ]);
    expect(csv).toBe('name,n,at,missing\r\nplain,1.5,2026-11-26T12:00:00.000Z,\r\n"with, comma ""and"" quotes\nand a line",0,,true\r\n');
  });

  it('escapes header names like fields', () => {
    expect(toCsv(['a,b', '=c'], [])).toBe(`"a,b",'=c\r\n`);
  });
});
