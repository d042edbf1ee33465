import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataExports } from '@conductor/schema/exports';
import { scheduledJobs } from '@conductor/schema/jobs';
import type { Db } from '../../db/client.ts';
import { runJob } from '../../scheduler/runner.ts';
import { openTestDatabase } from '../../testing/database.ts';
import { insertTenant } from '../../tenants/queries.ts';
import { fsBlobStore } from '../blobs/fs.ts';
import type { BlobStore } from '../blobs/store.ts';
import { getExport, insertExport, listExportChunks, type ExportChunkRow, type ExportRow } from '../queries.ts';
import { exportChunkKey } from './keys.ts';
import { EXPORT_BUILD_JOB, exportBuildJob, type ExportBuildRunResult, type FinalizeExport } from './job.ts';
import type { JsonValue, LineSource } from './pack.ts';
import { syntheticLines } from './synthetic.ts';

// The `exports.build` job through the real scheduler runner and database.
let db: Db;
let close: () => Promise<void>;
let root: string;
let blobs: BlobStore;
beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  root = await mkdtemp(join(tmpdir(), 'conductor-build-job-'));
  blobs = fsBlobStore(root);
  await insertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.delete(scheduledJobs);
  await db.delete(dataExports);
});

const T0 = new Date('2026-12-02T12:00:00Z');
const quiet = { log: () => {}, ignoreSchedule: true };
const CHUNK = 2048;

// Each export's lines are the synthetic source seeded by its licence, so two exports differ.
const linesOf = (exp: ExportRow) => syntheticLines({ seed: exp.license.length, lines: 40, meanLineBytes: 400 }) as LineSource<JsonValue>;

async function newExport(license: string, createdAt: Date) {
  return insertExport(db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester', license, purpose: ['investigation'], chunkSize: CHUNK, createdAt });
}

/** What the assembly step will do, reduced to the state change: publish under the export's lock. */
function recordingFinalize() {
  const calls: Array<{ exportId: string; chunks: ExportChunkRow[] }> = [];
  const finalize: FinalizeExport = async (db, exp, chunks) => {
    calls.push({ exportId: exp.exportId, chunks });
    await db
      .update(dataExports)
      .set({ status: 'pending_review', manifest: { chunks: chunks.length }, merkleRoot: 'root', totalSize: chunks.reduce((n, c) => n + c.size, 0) })
      .where(eq(dataExports.exportId, exp.exportId));
  };
  return { finalize, calls };
}

const run = (job: ReturnType<typeof exportBuildJob>) => runJob(db, job, T0, quiet);

describe('exports.build job', () => {
  it('advances building exports oldest first within its chunk budget, then finalizes each once with its chunks', async () => {
    const first = await newExport('L-first', new Date(T0.getTime() - 2000));
    const second = await newExport('L-second-one', new Date(T0.getTime() - 1000));
    const { finalize, calls } = recordingFinalize();
    const job = exportBuildJob({ blobs, lines: linesOf, finalize, chunksPerRun: 3 });
    expect(job.name).toBe(EXPORT_BUILD_JOB);

    const runs: ExportBuildRunResult[] = [];
    for (let i = 0; i < 50 && calls.length < 2; i++) {
      const outcome = await run(job);
      expect(outcome.outcome).toBe('ok');
      runs.push((outcome as { result: ExportBuildRunResult }).result);
    }
    // Never more than the budget per run; the older export is served first and finishes first.
    expect(runs.every((r) => r.exports.reduce((n, e) => n + e.stored, 0) <= 3)).toBe(true);
    expect(runs[0]!.exports).toEqual([{ exportId: first.exportId, stored: 3, chunks: 3, done: false, outcome: 'building' }]);
    expect(calls.map((c) => c.exportId)).toEqual([first.exportId, second.exportId]);
    for (const call of calls) {
      expect(call.chunks.map((c) => c.ix)).toEqual(call.chunks.map((_, i) => i));
      expect(call.chunks).toEqual(await listExportChunks(db, call.exportId));
    }
    expect((await getExport(db, first.exportId))!.status).toBe('pending_review');
    // Nothing building is left: a further run does nothing.
    expect(await run(job)).toMatchObject({ outcome: 'ok', result: { exports: [] } });
    expect(calls).toHaveLength(2);
  });

  it('keeps an export building when finalize fails, and calls finalize again on the next run', async () => {
    const exp = await newExport('L-retry', T0);
    const { finalize, calls } = recordingFinalize();
    let failing = true;
    const job = exportBuildJob({
      blobs,
      lines: linesOf,
      chunksPerRun: 1000,
      finalize: async (db, e, chunks) => {
        if (failing) throw new Error('signing key unavailable');
        await finalize(db, e, chunks);
      },
    });
    expect(await run(job)).toMatchObject({ outcome: 'failed', error: expect.stringContaining('signing key unavailable') });
    expect((await getExport(db, exp.exportId))!.status).toBe('building');
    const chunks = await listExportChunks(db, exp.exportId);
    failing = false;
    // Retried at once here (ignoreSchedule): no chunk is stored again, finalize sees the same rows.
    expect(await run(job)).toMatchObject({ outcome: 'ok', result: { exports: [{ exportId: exp.exportId, stored: 0, outcome: 'finalized' }] } });
    expect(calls[0]!.chunks).toEqual(chunks);
  });

  it('counts runs in a row that end in a transient error, starts again after progress, and fails the export when they run out', async () => {
    const exp = await newExport('L-flaky', T0);
    const { finalize } = recordingFinalize();
    // Down for the first two runs, up for one chunk, then down for good.
    let asked = 0;
    const flaky = (e: ExportRow): LineSource<JsonValue> => {
      const n = ++asked;
      if (n === 3) return linesOf(e);
      return () =>
        (async function* () {
          yield* [];
          throw new Error(`origin down (run ${n})`);
        })();
    };
    const job = exportBuildJob({ blobs, lines: flaky, finalize, chunksPerRun: 1, maxAttempts: 3 });
    for (const attempts of [1, 2]) {
      expect(await run(job)).toMatchObject({ outcome: 'failed', error: expect.stringContaining('origin down') });
      expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'building', buildAttempts: attempts, buildError: `origin down (run ${attempts})` });
    }
    expect(await run(job)).toMatchObject({ outcome: 'ok', result: { exports: [{ exportId: exp.exportId, stored: 1, outcome: 'building' }] } });
    expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'building', buildAttempts: 0, buildError: null });
    for (const attempts of [1, 2]) {
      expect(await run(job)).toMatchObject({ outcome: 'failed' });
      expect((await getExport(db, exp.exportId))!.buildAttempts).toBe(attempts);
    }
    // The third failure in a row since the stored chunk fails the export for good and drops its blobs.
    expect(await run(job)).toMatchObject({ outcome: 'ok', result: { exports: [{ exportId: exp.exportId, outcome: 'failed', attempts: 3 }] } });
    expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'failed', failure: 'gave up after 3 attempts in a row without progress; the last failed with: origin down (run 6)' });
    expect(await listExportChunks(db, exp.exportId)).toEqual([]);
    expect(await blobs.head(exportChunkKey(exp.exportId, 0))).toBeNull();
    expect(await run(job)).toMatchObject({ outcome: 'ok', result: { exports: [] } });
  });

  it('fails an export whose source broke a resume rule, drops its blobs, and keeps building the others', async () => {
    const broken = await newExport('L-broken', new Date(T0.getTime() - 1000));
    const fine = await newExport('L-fine', T0);
    const { finalize, calls } = recordingFinalize();
    const badLines: LineSource<JsonValue> = () =>
      (async function* () {
        // A first line longer than a chunk, so one chunk is stored before the bad line comes.
        yield { line: JSON.stringify({ pad: 'x'.repeat(3000) }), cursorAfter: 1 };
        yield { line: 'two\nlines', cursorAfter: 2 };
      })();
    const job = exportBuildJob({ blobs, lines: (e) => (e.exportId === broken.exportId ? badLines : linesOf(e)), finalize, chunksPerRun: 1000 });
    const outcome = await run(job);
    expect(outcome).toMatchObject({
      outcome: 'ok',
      result: { exports: [{ exportId: broken.exportId, stored: 1, outcome: 'failed', error: expect.stringContaining('well-formed line') }, { exportId: fine.exportId, outcome: 'finalized' }] },
    });
    expect(await getExport(db, broken.exportId)).toMatchObject({ status: 'failed', failure: expect.stringContaining('well-formed line') });
    expect(await listExportChunks(db, broken.exportId)).toEqual([]);
    expect(await blobs.head(exportChunkKey(broken.exportId, 0))).toBeNull();
    expect(calls.map((c) => c.exportId)).toEqual([fine.exportId]);
  });
});
