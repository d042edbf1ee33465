import { describe, expect, it } from 'vitest';
import { firstLines } from './first-lines.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
/** `text` cut into chunks of `size` bytes, as the build cuts an export (docs/adr/0015). */
function cut(text: string, size: number): Uint8Array[] {
  const all = bytes(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.slice(at, at + size));
  return out;
}

/** An iterable that records how many chunks were asked for. */
function counted(chunks: Uint8Array[]) {
  const seen = { pulled: 0 };
  async function* gen() {
    for (const c of chunks) {
      seen.pulled++;
      yield c;
    }
  }
  return { iterable: gen(), seen };
}

const JSONL = '{"docId":"d1","start":0,"end":5,"text":"Hello"}\n{"docId":"d1","start":6,"end":12,"text":"Grüße"}\n{"docId":"d2","start":0,"end":3,"text":"Bye"}\n';
const LINES = JSONL.trimEnd().split('\n');

describe('firstLines', () => {
  it('answers every line of a whole export, whatever the cut, with nothing more', async () => {
    for (const size of [1, 2, 3, 7, 47, 48, 49, 64, JSONL.length, 4096]) {
      expect(await firstLines(cut(JSONL, size), 10), `chunk size ${size}`).toEqual({ lines: LINES, more: false });
    }
  });

  it('joins a line and a UTF-8 character cut across chunks', async () => {
    const at = bytes(JSONL).indexOf(0xc3); // the first byte of "ü", a two-byte character
    const all = bytes(JSONL);
    const chunks = [all.slice(0, at + 1), all.slice(at + 1)];
    expect(await firstLines(chunks, 3)).toEqual({ lines: LINES, more: false });
  });

  it('stops at the n-th line and says there is more', async () => {
    expect(await firstLines(cut(JSONL, 4096), 2)).toEqual({ lines: LINES.slice(0, 2), more: true });
    expect(await firstLines(cut(JSONL, 4096), 3)).toEqual({ lines: LINES, more: false });
  });

  it('reads no chunk past the one that completes the n-th line', async () => {
    const chunks = cut(JSONL, 10);
    const firstLineEnds = Math.ceil((LINES[0]!.length + 1) / 10);
    const { iterable, seen } = counted(chunks);
    expect(await firstLines(iterable, 1)).toEqual({ lines: LINES.slice(0, 1), more: true });
    // The chunk holding the newline also holds the next line's start, so "more" is known there.
    expect(seen.pulled).toBe(firstLineEnds);
  });

  it('says more when the n-th line ends exactly at a chunk and another chunk follows', async () => {
    const first = bytes(`${LINES[0]}\n`);
    const rest = bytes(JSONL).slice(first.length);
    expect(await firstLines([first, rest], 1)).toEqual({ lines: LINES.slice(0, 1), more: true });
    expect(await firstLines([first], 1)).toEqual({ lines: LINES.slice(0, 1), more: false });
  });

  it('drops a partial last line: the chunks read end inside it', async () => {
    const all = bytes(JSONL);
    const cutInThird = all.slice(0, all.length - 10);
    expect(await firstLines([cutInThird], 10)).toEqual({ lines: LINES.slice(0, 2), more: false });
  });

  it('refuses bytes that are not UTF-8, and a count that is not a positive integer', async () => {
    await expect(firstLines([new Uint8Array([0x7b, 0xff, 0x0a])], 1)).rejects.toThrow(TypeError);
    await expect(firstLines([], 0)).rejects.toThrow(RangeError);
  });
});
