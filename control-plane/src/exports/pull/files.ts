import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ChunkDigest } from '../manifest/index.ts';

/*
 * Hashing files as they stream (node:crypto's incremental SHA-256): a chunk is never read into
 * memory whole, so `export verify` and a pull's re-hash stay flat whatever chunkSize is.
 */

/** Length and SHA-256 of a file, or null when it does not exist. */
export async function digestFile(path: string, onBytes?: (n: number) => void): Promise<ChunkDigest | null> {
  const hash = createHash('sha256');
  const size = await hashInto(hash, path, undefined, onBytes);
  return size === null ? null : { size, sha256: hash.digest('hex') };
}

/**
 * Feeds the file's bytes [0, length) (all of it when length is undefined) to `hash`; returns how
 * many it fed, or null when the file does not exist.
 */
export async function hashInto(hash: Hash, path: string, length?: number, onBytes?: (n: number) => void): Promise<number | null> {
  if (length === 0) return 0;
  let size = 0;
  try {
    for await (const buf of createReadStream(path, length === undefined ? {} : { start: 0, end: length - 1 }) as AsyncIterable<Buffer>) {
      hash.update(buf);
      size += buf.length;
      onBytes?.(buf.length);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return size;
}
