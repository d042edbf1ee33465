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
import { exportChunkKey } from '../build/keys.ts';
import { failExport, insertExport, recordExportChunk } from '../queries.ts';
import { EXPORT_SWEEP_JOB, exportSweepJob, type ExportSweepRunResult } from './job.ts';

// The `exports.sweep` job through the real scheduler runner, against blobs in a directory and the
// export rows in the test database.
let db: Db;
let close: () => Promise<void>;
let root: string;
let blobs: BlobStore;
beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  await insertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
});
afterAll(async () => {
  await close();
  if (root) await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.delete(scheduledJobs);
  await db.delete(dataExports);
  if (root) await rm(root, { recursive: true, force: true });
  root = await mkdtemp(join(tmpdir(), 'conductor-sweep-'));
  blobs = fsBlobStore(root);
});

const HOUR = 3_600_000;
const SHA = 'a'.repeat(64);
const quiet = { log: () => {}, ignoreSchedule: true };

async function newExport() {
  return insertExport(db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester', license: 'Restricted-TOS', purpose: ['investigation'], chunkSize: 4 });
}

/** Puts chunk blobs 0..n-1 and records the first `recorded` of them, as a build killed after its puts would leave. */
async function chunks(exportId: string, n: number, recorded: number): Promise<string[]> {
  const keys: string[] = [];
  for (let ix = 0; ix < n; ix++) {
    keys.push(exportChunkKey(exportId, ix));
    await blobs.put(exportChunkKey(exportId, ix), new Uint8Array([1, 2, 3, 4]));
    if (ix < recorded) expect(await recordExportChunk(db, { exportId, ix, sha256: SHA, size: 4, cursor: null, cursorOffset: 0 })).toEqual({ outcome: 'recorded' });
  }
  return keys;
}

async function keysLeft(): Promise<string[]> {
  return (await blobs.list('exports/')).objects.map((o) => o.key);
}

const sweep = async (now: Date, opts: { pageSize?: number; pagesPerRun?: number } = {}) => {
  const outcome = await runJob(db, exportSweepJob({ blobs, ...opts }), now, quiet);
  expect(outcome).toMatchObject({ name: EXPORT_SWEEP_JOB, outcome: 'ok' });
  return (outcome as { result: ExportSweepRunResult }).result;
};

describe('exports.sweep job', () => {
  it('deletes the blobs of gone and failed exports and the unrecorded chunks of live ones, once they are past the grace period', async () => {
    const building = await newExport();
    const failed = await newExport();
    const gone = await newExport();
    const buildingKeys = await chunks(building.exportId, 3, 1);
    const failedKeys = await chunks(failed.exportId, 2, 2);
    const goneKeys = await chunks(gone.exportId, 2, 0);
    expect(await failExport(db, failed.exportId, 'origin refused')).toBe(true);
    await db.delete(dataExports).where(eqExport(gone.exportId));
    const stranger = 'exports/loose-file';
    await blobs.put(stranger, new Uint8Array([9]));

    // Within the grace period (an hour by default) nothing goes: a put may be waiting for its row.
    expect(await sweep(new Date())).toEqual({ listed: 8, deleted: 0, byReason: {}, resumeAfter: null });
    expect(await keysLeft()).toHaveLength(8);

    const result = await sweep(new Date(Date.now() + 2 * HOUR));
    expect(result).toEqual({ listed: 8, deleted: 6, byReason: { 'chunk-unrecorded': 2, 'export-failed': 2, 'export-gone': 2 }, resumeAfter: null });
    // The building export's recorded chunk stays, and so does the key of no export layout.
    expect((await keysLeft()).sort()).toEqual([buildingKeys[0]!, stranger].sort());
    for (const key of [...buildingKeys.slice(1), ...failedKeys, ...goneKeys]) expect(await blobs.head(key), key).toBeNull();
  });

  it('keeps every recorded chunk of a published export and takes a chunk put after its last row', async () => {
    const exp = await newExport();
    const keys = await chunks(exp.exportId, 3, 2);
    await db.update(dataExports).set({ status: 'pending_review', manifest: {}, merkleRoot: 'r', totalSize: 8 }).where(eqExport(exp.exportId));
    expect(await sweep(new Date(Date.now() + 2 * HOUR))).toMatchObject({ deleted: 1, byReason: { 'chunk-unrecorded': 1 } });
    expect(await keysLeft()).toEqual(keys.slice(0, 2));
  });

  it('stops after its pages and goes on from there in the next run, until the listing is done', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const exp = await newExport();
      ids.push(exp.exportId);
      await chunks(exp.exportId, 2, 0);
      await db.delete(dataExports).where(eqExport(exp.exportId));
    }
    const later = new Date(Date.now() + 2 * HOUR);
    const first = await sweep(later, { pageSize: 2, pagesPerRun: 2 });
    expect(first).toMatchObject({ listed: 4, deleted: 4 });
    expect(first.resumeAfter).toEqual(expect.stringMatching(/^exports\//));
    expect(await keysLeft()).toHaveLength(2);
    const second = await sweep(later, { pageSize: 2, pagesPerRun: 2 });
    expect(second).toEqual({ listed: 2, deleted: 2, byReason: { 'export-gone': 2 }, resumeAfter: null });
    expect(await keysLeft()).toEqual([]);
    // The listing was done: the next run starts from the first key again.
    const exp = await newExport();
    await chunks(exp.exportId, 2, 1);
    expect(await sweep(later, { pageSize: 2, pagesPerRun: 2 })).toEqual({ listed: 2, deleted: 1, byReason: { 'chunk-unrecorded': 1 }, resumeAfter: null });
  });
});

function eqExport(exportId: string) {
  return eq(dataExports.exportId, exportId);
}
