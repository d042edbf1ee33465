import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@conductor/example-origin/prng';
import { ExportSourceError, packChunks, type LineSource, type PackedChunk, type ResumePoint } from './pack.ts';
import { syntheticLines } from './synthetic.ts';

// A source over fixed lines whose cursor is the index of the next line.
function arraySource(lines: readonly string[]): LineSource<number> {
  return (cursor) =>
    (async function* () {
      for (let i = cursor ?? 0; i < lines.length; i++) yield { line: lines[i]!, cursorAfter: i + 1 };
    })();
}

async function pack(source: LineSource<number>, chunkSize: number, from: ResumePoint<number> = { cursor: null, offset: 0 }, firstIx = 0): Promise<PackedChunk<number>[]> {
  const out: PackedChunk<number>[] = [];
  for await (const chunk of packChunks(source(from.cursor), { chunkSize, from, firstIx })) out.push(chunk);
  return out;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const concat = (chunks: PackedChunk<number>[]) => Buffer.concat(chunks.map((c) => c.bytes));

describe('packChunks', () => {
  it('cuts "a\\nbc\\ndef\\n" into 4-byte chunks and says where each next chunk starts', async () => {
    const chunks = await pack(arraySource(['a', 'bc', 'def']), 4);
    expect(chunks.map((c) => [c.ix, text(c.bytes), c.next])).toEqual([
      // Chunk 0 ends after "bc": the next starts inside line 1 (read from cursor 1), its first 2 bytes already stored.
      [0, 'a\nbc', { cursor: 1, offset: 2 }],
      // Chunk 1 holds line 1's newline and "def": line 2's newline (its byte 3) comes next.
      [1, '\ndef', { cursor: 2, offset: 3 }],
      [2, '\n', { cursor: 3, offset: 0 }],
    ]);
  });

  it('cuts inside multi-byte characters: chunks are exact byte counts and their concatenation is the UTF-8 JSONL', async () => {
    const lines = ['é', '汉字', '😀x', '{"k":"Größe 🔒"}'];
    const expected = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    for (let chunkSize = 1; chunkSize <= expected.length + 1; chunkSize++) {
      const chunks = await pack(arraySource(lines), chunkSize);
      expect(concat(chunks).equals(expected), `chunkSize ${chunkSize}`).toBe(true);
      expect(chunks.slice(0, -1).every((c) => c.bytes.length === chunkSize)).toBe(true);
      expect(chunks.at(-1)!.bytes.length).toBe(expected.length - (chunks.length - 1) * chunkSize);
      expect(chunks.map((c) => c.ix)).toEqual(chunks.map((_, i) => i));
    }
  });

  it('spreads a line longer than several chunks over them', async () => {
    const long = 'x'.repeat(25);
    const chunks = await pack(arraySource(['a', long, 'b']), 8);
    expect(chunks.map((c) => [text(c.bytes), c.next])).toEqual([
      ['a\nxxxxxx', { cursor: 1, offset: 6 }],
      ['xxxxxxxx', { cursor: 1, offset: 14 }],
      ['xxxxxxxx', { cursor: 1, offset: 22 }],
      ['xxx\nb\n', { cursor: 3, offset: 0 }],
    ]);
  });

  it('emits no empty chunk: none for an empty source, none after an export that fills its last chunk exactly', async () => {
    expect(await pack(arraySource([]), 4)).toEqual([]);
    const chunks = await pack(arraySource(['abc', 'def']), 4);
    expect(chunks.map((c) => text(c.bytes))).toEqual(['abc\n', 'def\n']);
    expect(chunks.at(-1)!.next).toEqual({ cursor: 2, offset: 0 });
  });

  it('resumed from any chunk’s next point, yields exactly the chunks a single pass yields after it', async () => {
    const summary = (chunks: PackedChunk<number>[]) => chunks.map((c) => `${c.ix}:${Buffer.from(c.bytes).toString('hex')}:${JSON.stringify(c.next)}`);
    for (const seed of [1, 2, 3]) {
      const source = syntheticLines({ seed, lines: 12, meanLineBytes: 24 });
      for (const chunkSize of [1, 3, 7, 64, 333]) {
        const all = await pack(source, chunkSize);
        const expected = summary(all);
        for (let k = 0; k < all.length; k++) {
          const resumed = await pack(source, chunkSize, all[k]!.next, k + 1);
          expect(summary(resumed), `seed ${seed}, chunk size ${chunkSize}, after chunk ${k}`).toEqual(expected.slice(k + 1));
        }
      }
    }
  });

  it('matches Buffer’s UTF-8 encoding of random text over random chunk sizes', async () => {
    const rand = mulberry32(20261202);
    const alphabet = ['a', 'Z', ' ', '"', 'é', 'ß', 'Ж', '汉', '한', '😀', '🔒', '\u00a0'];
    for (let round = 0; round < 50; round++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => Array.from({ length: Math.floor(rand() * 30) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
      const chunkSize = 1 + Math.floor(rand() * 50);
      const chunks = await pack(arraySource(lines), chunkSize);
      expect(concat(chunks).equals(Buffer.from(`${lines.join('\n')}\n`, 'utf8'))).toBe(true);
    }
  });

  it('refuses what would not survive a resume: raw newlines, lone surrogates, a resume offset past its line, a source that ended early', async () => {
    await expect(pack(arraySource(['ok', 'two\nlines']), 4)).rejects.toBeInstanceOf(ExportSourceError);
    await expect(pack(arraySource(['carriage\rreturn']), 4)).rejects.toBeInstanceOf(ExportSourceError);
    await expect(pack(arraySource(['lone \ud800 surrogate']), 4)).rejects.toBeInstanceOf(ExportSourceError);
    await expect(pack(arraySource(['abc', 'de']), 4, { cursor: 1, offset: 3 })).rejects.toThrow(/past the line/);
    await expect(pack(arraySource(['abc']), 4, { cursor: 1, offset: 2 })).rejects.toThrow(/ended before/);
    await expect(pack(arraySource(['abc']), 0)).rejects.toBeInstanceOf(RangeError);
  });
});
