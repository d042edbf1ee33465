import { describe, expect, it } from 'vitest';
import { chunkSpans } from './spans.ts';

// Three chunks of a 10-byte chunk size, the last short: bytes 0-9 | 10-19 | 20-23.
const SIZES = [10, 10, 4];

describe('chunkSpans', () => {
  it('maps a range inside one chunk to that chunk alone', () => {
    expect(chunkSpans(SIZES, 0, 9)).toEqual([{ ix: 0, from: 0, to: 9 }]);
    expect(chunkSpans(SIZES, 12, 15)).toEqual([{ ix: 1, from: 2, to: 5 }]);
    expect(chunkSpans(SIZES, 23, 23)).toEqual([{ ix: 2, from: 3, to: 3 }]);
  });

  it('splits a range across chunk boundaries, first and last chunks partly', () => {
    expect(chunkSpans(SIZES, 9, 10)).toEqual([
      { ix: 0, from: 9, to: 9 },
      { ix: 1, from: 0, to: 0 },
    ]);
    expect(chunkSpans(SIZES, 5, 21)).toEqual([
      { ix: 0, from: 5, to: 9 },
      { ix: 1, from: 0, to: 9 },
      { ix: 2, from: 0, to: 1 },
    ]);
  });

  it('covers the whole download with every chunk whole', () => {
    expect(chunkSpans(SIZES, 0, 23)).toEqual([
      { ix: 0, from: 0, to: 9 },
      { ix: 1, from: 0, to: 9 },
      { ix: 2, from: 0, to: 3 },
    ]);
  });

  it('gives spans whose lengths add up to the range for every range of a small export', () => {
    for (let start = 0; start < 24; start++) {
      for (let end = start; end < 24; end++) {
        const spans = chunkSpans(SIZES, start, end);
        expect(spans.reduce((n, s) => n + s.to - s.from + 1, 0)).toBe(end - start + 1);
        expect(spans.map((s) => s.ix)).toEqual(spans.map((_, i) => spans[0]!.ix + i));
      }
    }
  });

  it('refuses a range outside the representation or reversed', () => {
    expect(() => chunkSpans(SIZES, 0, 24)).toThrow(RangeError);
    expect(() => chunkSpans(SIZES, 5, 4)).toThrow(RangeError);
    expect(() => chunkSpans(SIZES, -1, 3)).toThrow(RangeError);
    expect(() => chunkSpans([], 0, 0)).toThrow(RangeError);
  });
});
