import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { openTestDatabase } from '../../testing/database.ts';
import { insertTenant } from '../../tenants/queries.ts';
import { readAll } from '../blobs/contract.ts';
import { fsBlobStore } from '../blobs/fs.ts';
import type { BlobStore } from '../blobs/store.ts';
import { failExport, getExport, insertExport, listExportChunks, type ExportChunkRow } from '../queries.ts';
import { buildExportChunks } from './build.ts';
import { exportChunkKey } from './keys.ts';
import { ExportSourceError, type JsonValue, type LineSource } from './pack.ts';
import { syntheticLines } from './synthetic.ts';

// The resumable build against a real database and the fs blob store: what is stored, where a
// restart resumes, and what is never written twice. The killed-process case is tests/chaos.
let db: Db;
let close: () => Promise<void>;
let root: string;
let blobs: BlobStore;
beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  root = await mkdtemp(join(tmpdir(), 'conductor-build-'));
  blobs = fsBlobStore(root);
  await insertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

const CHUNK = 4096;
// About 150 KiB: 37 chunks, the last one short.
const source = syntheticLines({ seed: 9, lines: 300, meanLineBytes: 500 }) as LineSource<JsonValue>;

async function newExport(chunkSize = CHUNK) {
  return insertExport(db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester', license: 'Restricted-TOS', purpose: ['investigation'], chunkSize });
}

async function expectedJsonl(lines: LineSource<JsonValue>): Promise<Buffer> {
  const parts: string[] = [];
  for await (const { line } of lines(null)) parts.push(`${line}\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

async function blobBytes(exportId: string, ix: number): Promise<Buffer> {
  const got = await blobs.get(exportChunkKey(exportId, ix));
  if (!got) throw new Error(`no blob for chunk ${ix}`);
  return Buffer.from(await readAll(got.body));
}

const essentials = (rows: ExportChunkRow[]) => rows.map(({ ix, sha256, size, cursor, cursorOffset }) => ({ ix, sha256, size, cursor, cursorOffset }));

describe('buildExportChunks', () => {
  it('stores every chunk whole under its key and records its hash, size and resume point; the chunks are the JSONL', async () => {
    const exp = await newExport();
    const progress = await buildExportChunks(db, blobs, exp, source);
    const rows = await listExportChunks(db, exp.exportId);
    const jsonl = await expectedJsonl(source);
    expect(progress).toEqual({ exportId: exp.exportId, stored: rows.length, chunks: rows.length, done: true });
    expect(rows.length).toBe(Math.ceil(jsonl.length / CHUNK));
    expect(rows.map((r) => r.ix)).toEqual(rows.map((_, i) => i));
    const stored = await Promise.all(rows.map((r) => blobBytes(exp.exportId, r.ix)));
    for (const [i, row] of rows.entries()) {
      expect(row.size).toBe(stored[i]!.length);
      expect(row.sha256).toBe(createHash('sha256').update(stored[i]!).digest('hex'));
      expect(row.size).toBe(i < rows.length - 1 ? CHUNK : jsonl.length - i * CHUNK);
    }
    expect(Buffer.concat(stored).equals(jsonl)).toBe(true);
    // The last row resumes after the last line: nothing is left.
    expect(rows.at(-1)).toMatchObject({ cursor: 300, cursorOffset: 0 });
    expect(await buildExportChunks(db, blobs, exp, source)).toMatchObject({ stored: 0, done: true });
  });

  it('advances a bounded number of chunks per call and ends with the chunks a single pass stores', async () => {
    const once = await newExport();
    await buildExportChunks(db, blobs, once, source);
    const stepped = await newExport();
    const steps: number[] = [];
    for (;;) {
      const p = await buildExportChunks(db, blobs, stepped, source, { maxChunks: 5 });
      steps.push(p.stored);
      if (p.done) break;
    }
    expect(steps.slice(0, -1).every((n) => n === 5)).toBe(true);
    expect(essentials(await listExportChunks(db, stepped.exportId))).toEqual(essentials(await listExportChunks(db, once.exportId)));
  });

  it('rewrites a chunk whose blob was stored but not recorded, and never rewrites a recorded one', async () => {
    const reference = await newExport();
    await buildExportChunks(db, blobs, reference, source);
    const exp = await newExport();
    await buildExportChunks(db, blobs, exp, source, { maxChunks: 3 });
    // A run killed after its put and before its row left other bytes under chunk 3's key.
    await blobs.put(exportChunkKey(exp.exportId, 3), new TextEncoder().encode('left by a killed run'));
    // Damage a recorded chunk: a resumed build must not touch it (serving detects it, never the build).
    const damaged = await blobBytes(exp.exportId, 1);
    damaged[0] = damaged[0]! ^ 0xff;
    await blobs.put(exportChunkKey(exp.exportId, 1), damaged);

    await buildExportChunks(db, blobs, exp, source);
    expect(essentials(await listExportChunks(db, exp.exportId))).toEqual(essentials(await listExportChunks(db, reference.exportId)));
    expect((await blobBytes(exp.exportId, 3)).equals(await blobBytes(reference.exportId, 3))).toBe(true);
    expect((await blobBytes(exp.exportId, 1)).equals(damaged)).toBe(true);
  });

  it('lets two runners race on one export: each index is recorded once, with the same bytes', async () => {
    const reference = await newExport();
    await buildExportChunks(db, blobs, reference, source);
    const exp = await newExport();
    await Promise.all([buildExportChunks(db, blobs, exp, source), buildExportChunks(db, blobs, exp, source)]);
    expect(essentials(await listExportChunks(db, exp.exportId))).toEqual(essentials(await listExportChunks(db, reference.exportId)));
  });

  it('fails with ExportSourceError when a resumed source no longer gives the bytes recorded', async () => {
    const fixed =
      (lines: string[]): LineSource<JsonValue> =>
      (cursor) =>
        (async function* () {
          for (let i = (cursor as number | null) ?? 0; i < lines.length; i++) yield { line: lines[i]!, cursorAfter: i + 1 };
        })();
    const exp = await newExport();
    // Chunk 0 ends 4096 bytes into line 0; a source whose line 0 is now shorter cannot resume there.
    await buildExportChunks(db, blobs, exp, fixed(['x'.repeat(10_000)]), { maxChunks: 1 });
    await expect(buildExportChunks(db, blobs, exp, fixed(['short']))).rejects.toThrow(ExportSourceError);
  });

  it('fails with ExportSourceError when a racing runner packs different bytes for a recorded index', async () => {
    const exp = await newExport();
    const other = syntheticLines({ seed: 10, lines: 300, meanLineBytes: 500 }) as LineSource<JsonValue>;
    const outcomes = await Promise.allSettled([buildExportChunks(db, blobs, exp, source), buildExportChunks(db, blobs, exp, other)]);
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as unknown);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(ExportSourceError);
  });

  it('records nothing for an export that left building, and stops', async () => {
    const exp = await newExport();
    await buildExportChunks(db, blobs, exp, source, { maxChunks: 2 });
    expect(await failExport(db, exp.exportId, 'operator stopped it')).toBe(true);
    expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'failed', failure: 'operator stopped it' });
    expect(await listExportChunks(db, exp.exportId)).toEqual([]);
    expect(await buildExportChunks(db, blobs, exp, source)).toMatchObject({ stored: 0, done: false, stopped: true });
    expect(await listExportChunks(db, exp.exportId)).toEqual([]);
  });

  it('stores nothing for an empty source and is done', async () => {
    const exp = await newExport();
    const empty: LineSource<JsonValue> = () => (async function* () {})();
    expect(await buildExportChunks(db, blobs, exp, empty)).toEqual({ exportId: exp.exportId, stored: 0, chunks: 0, done: true });
  });
});
