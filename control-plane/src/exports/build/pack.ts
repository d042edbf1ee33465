/*
 * Packs JSONL lines into chunks of exactly `chunkSize` bytes (the last one shorter), streaming:
 * at most one chunk is held at a time. No I/O; the driver (build.ts) stores what this yields.
 *
 * A line may span chunks. Fixed-size chunks make the export a plain byte string cut at known
 * offsets: byte `b` of the concatenated JSONL is in chunk ⌊b / chunkSize⌋, so a Range over the
 * whole download maps to chunks by division, every chunk but the last costs the same to fetch
 * again after a kill, and the Merkle leaves are uniform (as BitTorrent's pieces). Cutting only at
 * line ends would make sizes depend on content and leave a line longer than a chunk nowhere to
 * go. The price is that one chunk alone is not whole lines; the export is the concatenation.
 *
 * Resuming inside a line: the point where the next chunk starts is kept as the source cursor of
 * the line that straddles the cut plus how many of that line's bytes earlier chunks hold. A
 * restart re-reads that line from the cursor and drops those bytes, so the source need only be
 * deterministic per cursor, not addressable by byte.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One line of the export (JSON text without its newline) and the cursor that resumes after it. */
export interface SourceLine<C> {
  line: string;
  cursorAfter: C;
}

/** A source of lines that can restart at any cursor it handed out (null: the beginning). */
export type LineSource<C> = (cursor: C | null) => AsyncIterable<SourceLine<C>>;

/** Where a chunk starts: re-read from `cursor` and drop the first `offset` bytes read there. */
export interface ResumePoint<C> {
  cursor: C | null;
  offset: number;
}

export interface PackedChunk<C> {
  ix: number;
  /** Exactly chunkSize bytes, except for the last chunk. Owned by the receiver. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Where the chunk after this one starts. */
  next: ResumePoint<C>;
}

/** The source broke a rule the build relies on: resuming cannot give the same bytes, so the build fails for good. */
export class ExportSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportSourceError';
  }
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

// TextEncoder would silently replace a lone surrogate with U+FFFD: refuse it rather than export
// text that differs from its source (provenance offsets would no longer match).
const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

export async function* packChunks<C>(
  lines: AsyncIterable<SourceLine<C>>,
  opts: { chunkSize: number; from?: ResumePoint<C>; firstIx?: number },
): AsyncGenerator<PackedChunk<C>, void, undefined> {
  const { chunkSize } = opts;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  let ix = opts.firstIx ?? 0;
  let buf = new Uint8Array(chunkSize);
  let pos = 0;
  // The cursor the line being placed was read from, and the bytes of it to drop (resume only).
  let lineCursor: C | null = opts.from?.cursor ?? null;
  let skip = opts.from?.offset ?? 0;

  for await (const { line, cursorAfter } of lines) {
    if (line.includes('\n') || line.includes('\r') || !isWellFormed(line)) {
      throw new ExportSourceError(`line read after cursor ${JSON.stringify(lineCursor)} is not one well-formed line of text`);
    }
    // `placed`: bytes of this line (with its newline) in chunks so far; `rest`: those still to place.
    let placed: number;
    let rest: Uint8Array;
    if (skip > 0) {
      const whole = encodeLine(line);
      if (skip >= whole.length) throw new ExportSourceError(`resume offset ${skip} is past the line at cursor ${JSON.stringify(lineCursor)} (${whole.length} bytes): the source changed`);
      placed = skip;
      rest = whole.subarray(skip);
      skip = 0;
    } else {
      // Common case, no copy: the line encodes straight into the chunk.
      const { read, written } = encoder.encodeInto(line, buf.subarray(pos));
      pos += written;
      placed = written;
      rest = read === line.length ? Uint8Array.of(NEWLINE) : encodeLine(line.slice(read));
    }
    while (rest.length > 0) {
      if (pos === chunkSize) {
        yield { ix: ix++, bytes: buf, next: { cursor: lineCursor, offset: placed } };
        buf = new Uint8Array(chunkSize);
        pos = 0;
      }
      const n = Math.min(rest.length, chunkSize - pos);
      buf.set(rest.subarray(0, n), pos);
      pos += n;
      placed += n;
      rest = rest.subarray(n);
    }
    lineCursor = cursorAfter;
    if (pos === chunkSize) {
      yield { ix: ix++, bytes: buf, next: { cursor: lineCursor, offset: 0 } };
      buf = new Uint8Array(chunkSize);
      pos = 0;
    }
  }
  if (skip > 0) throw new ExportSourceError(`the source ended before the line to resume at cursor ${JSON.stringify(lineCursor)}: the source changed`);
  if (pos > 0) yield { ix, bytes: buf.subarray(0, pos), next: { cursor: lineCursor, offset: 0 } };
}

function encodeLine(text: string): Uint8Array {
  return encoder.encode(`${text}\n`);
}
