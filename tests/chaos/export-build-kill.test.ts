import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenants } from '@conductor/schema/tenants';
import { fsBlobStore } from '@conductor/control-plane/exports/blobs';
import { buildExportChunks, getExport, insertExport, listExportChunks, syntheticLines, type ExportChunkRow, type JsonValue, type LineSource } from '@conductor/control-plane/exports/build';
import { createTestDatabaseUrl, openDatabase, openTestDatabase, type TestDatabaseUrl } from '@conductor/control-plane/testing/database';
import type { ChildConfig } from './export-build-child.ts';

// The plan's "partial manifest" chaos case, with a real killed process: a child builds a ~50 MB
// export into a database that outlives it (PGlite on disk, or its own PostgreSQL database under
// test:pg) and the fs blob store; it is SIGKILLed midway, then killed again between a chunk's blob
// and its row, then restarted to the end. After each kill nothing is half-visible, and the final
// chunks are byte for byte those of a build that was never killed.
const CHILD = fileURLToPath(new URL('./export-build-child.ts', import.meta.url));
const SEED = 20261202;
const LINES = 48_000; // about 50 MB of JSONL
const CHUNK_SIZE = 1024 * 1024;
const KILL_AFTER_CHUNKS = 12;

let dir: string;
let pg: TestDatabaseUrl | undefined;
let child: Pick<ChildConfig, 'databaseUrl' | 'pglitePath' | 'blobRoot' | 'exportId' | 'seed' | 'lines' | 'chunkSize'>;
let reference: { rows: ExportChunkRow[]; blobs: Map<number, Buffer> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conductor-chaos-export-'));
  pg = await createTestDatabaseUrl();
  const exportId = randomUUID();
  child = { ...(pg ? { databaseUrl: pg.url } : { pglitePath: join(dir, 'pglite') }), blobRoot: join(dir, 'blobs'), exportId, seed: SEED, lines: LINES, chunkSize: CHUNK_SIZE };

  // The build that is never killed, in this process, into a database and a directory of its own.
  const database = await openTestDatabase();
  try {
    await database.db.insert(tenants).values({ id: 'chaos-exports', name: 'Chaos exports', strictSafelist: false });
    const exp = await insertExport(database.db, { exportId, tenantId: 'chaos-exports', kind: 'extractive-summary', requestedBy: 'user:chaos', license: 'Restricted-TOS', purpose: ['investigation'], chunkSize: CHUNK_SIZE });
    const root = join(dir, 'reference');
    const source = syntheticLines({ seed: SEED, lines: LINES }) as LineSource<JsonValue>;
    await buildExportChunks(database.db, fsBlobStore(root), exp, source);
    const rows = await listExportChunks(database.db, exportId);
    const blobs = new Map(await Promise.all(rows.map(async (r) => [r.ix, await readFile(chunkPath(root, r.ix))] as const)));
    reference = { rows, blobs };
  } finally {
    await database.close();
  }
}, 120_000);

afterAll(async () => {
  await pg?.drop();
  await rm(dir, { recursive: true, force: true });
});

function chunkPath(root: string, ix: number): string {
  return join(root, 'exports', child.exportId, 'chunks', String(ix).padStart(8, '0'));
}

/** Runs the child; `killAfter` chunks recorded, the test SIGKILLs it. Answers its stdout lines and how it ended. */
function runChild(extra: Partial<ChildConfig> = {}, killAfter?: number): Promise<{ lines: string[]; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ ...child, ...extra })], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line);
      if (killAfter !== undefined && line === `chunk ${killAfter - 1}`) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ lines, code, signal });
    });
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const essentials = (rows: ExportChunkRow[]) => rows.map(({ ix, sha256, size, cursor, cursorOffset }) => ({ ix, sha256, size, cursor, cursorOffset }));

/**
 * What a reader or a restart may find after a kill: contiguous chunk rows, each naming a whole blob
 * with its hash; under final keys only whole chunks (at most one beyond the rows, written before
 * its row); the export still `building`, with no manifest. Answers the rows.
 */
async function expectNothingHalfVisible(): Promise<ExportChunkRow[]> {
  const database = await openDatabase({ databaseUrl: child.databaseUrl, pglitePath: child.pglitePath });
  let rows: ExportChunkRow[];
  try {
    rows = await listExportChunks(database.db, child.exportId);
    expect(await getExport(database.db, child.exportId)).toMatchObject({ status: 'building', manifest: null, merkleRoot: null });
  } finally {
    await database.close();
  }
  expect(rows.map((r) => r.ix)).toEqual(rows.map((_, i) => i));
  for (const row of rows) {
    const bytes = await readFile(chunkPath(child.blobRoot, row.ix));
    expect(bytes.length, `chunk ${row.ix}`).toBe(row.size);
    expect(sha256(bytes), `chunk ${row.ix}`).toBe(row.sha256);
  }
  const names = await readdir(join(child.blobRoot, 'exports', child.exportId, 'chunks'));
  const objects = names.filter((n) => !n.startsWith('.')).map(Number);
  expect(Math.max(...objects)).toBeLessThanOrEqual(rows.length);
  for (const ix of objects) {
    const bytes = await readFile(chunkPath(child.blobRoot, ix));
    expect(bytes.equals(reference.blobs.get(ix)!), `whole chunk ${ix} under its key`).toBe(true);
  }
  // A put killed midway can leave only its temporary file, never a name a key can have.
  expect(names.filter((n) => n.startsWith('.')).every((n) => /^\.\d{8}\.[0-9a-f]{12}\.tmp$/.test(n))).toBe(true);
  return rows;
}

it('survives SIGKILL midway and between a blob and its row, and resumes to chunks identical to an unkilled build', async () => {
  expect(reference.rows.length).toBeGreaterThan(40);

  const killed = await runChild({}, KILL_AFTER_CHUNKS);
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.lines).not.toContainEqual(expect.stringMatching(/^done/));
  const afterKill = await expectNothingHalfVisible();
  expect(afterKill.length).toBeGreaterThanOrEqual(KILL_AFTER_CHUNKS);
  expect(afterKill.length).toBeLessThan(reference.rows.length);

  // Killed by itself right after storing chunk k's blob: the blob is there, its row is not.
  const k = afterKill.length + 3;
  const selfKilled = await runChild({ killAfterPutOf: k });
  expect(selfKilled.signal).toBe('SIGKILL');
  expect(selfKilled.lines.at(-1)).toBe(`chunk ${k - 1}`);
  const afterSelfKill = await expectNothingHalfVisible();
  expect(afterSelfKill).toHaveLength(k);
  expect((await readFile(chunkPath(child.blobRoot, k))).equals(reference.blobs.get(k)!)).toBe(true);

  // The restart resumes after the last row: it rewrites chunk k and never a recorded chunk.
  const finished = await runChild();
  expect(finished.code).toBe(0);
  expect(finished.lines[0]).toBe(`chunk ${k}`);
  expect(finished.lines.at(-1)).toBe(`done ${reference.rows.length}`);

  const rows = await expectNothingHalfVisible();
  expect(essentials(rows)).toEqual(essentials(reference.rows));
  for (const row of rows) expect((await readFile(chunkPath(child.blobRoot, row.ix))).equals(reference.blobs.get(row.ix)!), `chunk ${row.ix}`).toBe(true);
}, 120_000);
