/**
 * The first `n` whole lines of an export, from its chunks in order. Chunks are byte cuts of the
 * JSONL (docs/adr/0015), so a line, and a UTF-8 character, may straddle two chunks: the bytes after
 * a chunk's last newline are carried into the next one and decoded in streaming mode. Reading stops
 * at the chunk that completes the n-th line, so a sample of a large export reads one chunk or two.
 * A line the chunks read do not finish is not a line: it is never returned.
 */
export async function firstLines(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, n: number): Promise<{ lines: string[]; more: boolean }> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  let partial = '';
  // `return` from inside for-await closes the iterator, so the chunks after are never read.
  for await (const chunk of chunks) {
    if (lines.length === n) {
      if (chunk.byteLength > 0) return { lines, more: true };
      continue;
    }
    const parts = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      if (lines.length === n) return { lines, more: true };
      lines.push(line);
    }
    if (lines.length === n && partial !== '') return { lines, more: true };
  }
  return { lines, more: false };
}
