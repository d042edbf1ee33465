/*
 * Where export chunks live: one small interface with two implementations, the file system under
 * the data directory (fs.ts, the default on Node) and an R2 bucket binding (r2.ts, the Worker
 * deployment). It is the part of R2's `R2Bucket` that a plain directory also does well, and both
 * pass one contract test (contract.ts):
 *
 * - `put` takes bytes, not a stream: R2 refuses a stream of unknown length, and a chunk is bounded
 *   (exports.chunk_size) and already in memory to be hashed. A put is all or nothing: a reader
 *   never sees part of an object under its key (R2 commits whole objects; fs.ts renames a finished
 *   temporary file over the key).
 * - `get` takes one byte range as `{offset, length}` of a known object; HTTP's forms (suffix,
 *   open-ended, If-Range) are resolved against `head` by the caller, which needs the size anyway
 *   for 416 and Content-Range.
 * - `deletePrefix` drops everything of one export, which a directory does without paging.
 *   `list` and `delete` serve the orphan sweep (exports/sweep), which must see every key with
 *   its age to find what no export row accounts for; a listing is in key order and pages by
 *   `startAfter` (a key), which R2 and a directory walk both do.
 *
 * - A key is never also the '/'-prefix of another key ('a' beside 'a/b'): a directory cannot be a
 *   file too. Export keys (build/keys.ts) never are.
 *
 * Metadata, etags and conditional requests are left out: the manifest in Postgres is what says
 * what a chunk must be (its sha256), and R2's etag is an MD5 a directory would have to invent.
 */

export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there; visible only once whole. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * The object under `key` (or the `range` of it), null when absent. `size` is the whole object's;
   * `offset`/`length` say which bytes `body` streams. Throws BlobRangeError when the range does
   * not lie within the object.
   */
  get(key: string, range?: BlobRange): Promise<BlobBody | null>;
  /** The object's size, null when absent. */
  head(key: string): Promise<{ size: number } | null>;
  /** Deletes every object whose key starts with `prefix` (a non-empty key prefix); answers how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * One page of the objects whose key starts with `prefix` (a non-empty key prefix), in key order,
   * those after `startAfter` only when it is given. `truncated`: more follow; ask again with the
   * page's last key as `startAfter`.
   */
  list(prefix: string, options?: BlobListOptions): Promise<BlobPage>;
  /** Deletes the objects under these keys; an absent key is no error. */
  delete(keys: readonly string[]): Promise<void>;
}

export interface BlobListOptions {
  startAfter?: string;
  /** Objects per page, 1 to LIST_PAGE_MAX; default LIST_PAGE_MAX. */
  limit?: number;
}

export interface BlobPage {
  objects: BlobListing[];
  truncated: boolean;
}

export interface BlobListing {
  key: string;
  size: number;
  /** When the object under the key was written (R2's `uploaded`; a file's mtime). */
  uploaded: Date;
}

/** R2's own limit on objects per list() page and keys per delete() call. */
export const LIST_PAGE_MAX = 1000;

/** The page size a listing asks for, or TypeError. */
export function listLimit(options: BlobListOptions | undefined): number {
  const limit = options?.limit ?? LIST_PAGE_MAX;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIST_PAGE_MAX) throw new TypeError(`list limit must be an integer from 1 to ${LIST_PAGE_MAX}, got ${limit}`);
  return limit;
}

export interface BlobRange {
  offset: number;
  /** Default: to the end of the object. */
  length?: number;
}

export interface BlobBody {
  size: number;
  offset: number;
  length: number;
  body: ReadableStream<Uint8Array>;
}

/** A range that does not lie within the object (HTTP would answer 416). */
export class BlobRangeError extends RangeError {
  constructor(
    readonly key: string,
    readonly range: BlobRange,
    readonly size: number,
  ) {
    super(`range ${range.offset}+${range.length ?? '*'} is outside ${key} (${size} bytes)`);
    this.name = 'BlobRangeError';
  }
}

// Keys are '/'-separated segments of a small alphabet, none starting with '.', so a key is also a
// safe relative path (no '..', no absolute path, no name fs.ts uses for its temporary files).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;

export function assertBlobKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((s) => SEGMENT.test(s))) {
    throw new TypeError(`invalid blob key ${JSON.stringify(key)}: '/'-separated segments of [A-Za-z0-9._-], none empty or starting with '.'`);
  }
}

/** A prefix is a key, or a key followed by '/' (everything under it). */
export function assertBlobPrefix(prefix: string): void {
  assertBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** Resolves `range` against an object of `size` bytes, or throws BlobRangeError. */
export function resolveRange(key: string, size: number, range: BlobRange | undefined): { offset: number; length: number } {
  if (!range) return { offset: 0, length: size };
  const { offset } = range;
  const length = range.length ?? size - offset;
  const valid = Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 1 && offset + length <= size;
  if (!valid) throw new BlobRangeError(key, range, size);
  return { offset, length };
}
