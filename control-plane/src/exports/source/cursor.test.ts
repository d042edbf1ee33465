import { describe, expect, it } from 'vitest';
import { ExportSourceError } from '../build/pack.ts';
import { cursorAfterLine, pageRequestSize, parseDocumentCursor } from './cursor.ts';

const at = { snapshot: 'v1/seed-1', after: 'c50', seen: 50, doc: 3 };
const page = { length: 5, endCursor: 'c55' };

describe('document cursor', () => {
  it('names the next line of the same document while it has one', () => {
    expect(cursorAfterLine(at, 0, 3, page)).toEqual({ ...at, line: 1 });
    expect(cursorAfterLine(at, 1, 3, page)).toEqual({ ...at, line: 2 });
  });

  it("moves to the next document after a document's last line, and to the next page after the page's last", () => {
    expect(cursorAfterLine(at, 2, 3, page)).toEqual({ ...at, doc: 4, line: 0 });
    expect(cursorAfterLine({ ...at, doc: 4 }, 0, 1, page)).toEqual({ snapshot: 'v1/seed-1', after: 'c55', seen: 55, doc: 0, line: 0 });
  });

  it('asks for a page, cut to what maxDocuments leaves', () => {
    expect(pageRequestSize(0, 100, null)).toBe(100);
    expect(pageRequestSize(100, 100, 150)).toBe(50);
    expect(pageRequestSize(150, 100, 150)).toBe(0);
  });

  it('refuses a stored cursor it did not write, as a source error (the build fails for good)', () => {
    expect(parseDocumentCursor({ ...at, line: 0 })).toEqual({ ...at, line: 0 });
    expect(() => parseDocumentCursor({ ...at, line: 0, extra: 1 })).toThrow(ExportSourceError);
    expect(() => parseDocumentCursor({ after: 'c', seen: 0 })).toThrow(ExportSourceError);
  });
});
