import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkFileName, chunkPath, manifestPath, parseChunkFileName } from './layout.ts';

describe('pull output layout', () => {
  it('names chunk files by zero-padded index and state', () => {
    expect(manifestPath('/x/out')).toBe(join('/x/out', 'manifest.json'));
    expect(chunkFileName(0)).toBe('000000.jsonl');
    expect(chunkFileName(12, 'partial')).toBe('000012.jsonl.part');
    expect(chunkFileName(999_999, 'rejected')).toBe('999999.jsonl.rejected');
    expect(chunkPath('/x/out', 3, 'partial')).toBe(join('/x/out', 'chunks', '000003.jsonl.part'));
  });

  it('refuses an index a manifest cannot list (at most 1,000,000 chunks)', () => {
    for (const ix of [-1, 1.5, 1_000_000, Number.NaN]) expect(() => chunkFileName(ix)).toThrow(RangeError);
  });

  // `cat DIR/chunks/*.jsonl` must give the export's bytes in order: the shell sorts names as strings.
  it('sorts file names in chunk order', () => {
    const ixs = [0, 9, 10, 99, 100, 12_345, 999_999];
    const names = ixs.map((ix) => chunkFileName(ix));
    expect(names.toSorted()).toEqual(names);
  });

  it('parses back the names it writes and nothing else', () => {
    for (const kind of ['complete', 'partial', 'rejected'] as const) expect(parseChunkFileName(chunkFileName(42, kind))).toEqual({ ix: 42, kind });
    for (const name of ['manifest.json', '0001.jsonl', '000001.json', '000001.jsonl.tmp', '000001.jsonl.part.part', 'x00001.jsonl']) {
      expect(parseChunkFileName(name)).toBeNull();
    }
  });
});
