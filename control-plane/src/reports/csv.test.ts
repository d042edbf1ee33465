import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('writes a header row and RFC 4180 fields with CRLF line ends', () => {
    const csv = toCsv(['name', 'n', 'at', 'missing'], [
      { name: 'plain', n: 1.5, at: new Date('2026-11-26T12:00:00Z'), missing: null },
      { name: 'with, comma "and" quotes\nand a line', n: 0, at: undefined, missing: true },
    ]);
    expect(csv).toBe('name,n,at,missing\r\nplain,1.5,2026-11-26T12:00:00.000Z,\r\n"with, comma ""and"" quotes\nand a line",0,,true\r\n');
  });

  it('defuses text cells a spreadsheet would run as formulas, not negative numbers', () => {
    expect(toCsv(['a', 'b'], [{ a: '=HYPERLINK("x")', b: -3 }])).toBe(`a,b\r\n"'=HYPERLINK(""x"")",-3\r\n`);
    expect(toCsv(['a'], [{ a: '@SUM(1)' }, { a: '+1' }, { a: '-1' }])).toBe("a\r\n'@SUM(1)\r\n'+1\r\n'-1\r\n");
  });

  it('leaves non-finite numbers empty', () => {
    expect(toCsv(['x'], [{ x: Number.NaN }])).toBe('x\r\n\r\n');
  });
});
