import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { startJwksServer } from '@conductor/example-origin/testing/jwks-server';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import type { Db } from '../db/client.ts';
import { runJob } from '../scheduler/runner.ts';
import { openTestDatabase } from '../testing/database.ts';
import { insertTenant } from '../tenants/queries.ts';
import { fsBlobStore } from './blobs/fs.ts';
import type { BlobStore } from './blobs/store.ts';
import { exportBuildJob, type ExportBuildRunResult } from './build/job.ts';
import { exportBlobPrefix } from './build/keys.ts';
import { documentExportJob } from './pipeline.ts';
import { getExport, insertExport, listExportChunks } from './queries.ts';

// The export build against the real example origin when the origin fails: a refusal fails the
// export at once with the origin's reason; an origin gone away is retried a bounded number of
// times, and progress in between starts the count again.
let db: Db;
let close: () => Promise<void>;
let secrets: DevSecrets;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let root: string;
let blobs: BlobStore;
const origins: RunningOrigin[] = [];

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  await insertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
  secrets = await generateSecrets();
  jwks = await startJwksServer(secrets.publicJwk);
  root = await mkdtemp(join(tmpdir(), 'conductor-origin-failures-'));
  blobs = fsBlobStore(root);
});
afterAll(async () => {
  for (const o of origins) await o.close();
  await jwks?.close();
  await close();
  await rm(root, { recursive: true, force: true });
});

async function origin(): Promise<RunningOrigin> {
  const o = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
  origins.push(o);
  return o;
}

async function stop(o: RunningOrigin): Promise<void> {
  origins.splice(origins.indexOf(o), 1);
  await o.close();
}

async function newExport(maxDocuments: number) {
  return insertExport(db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments, chunkSize: 1024 });
}

const run = async (job: ReturnType<typeof exportBuildJob>) => runJob(db, job, new Date(), { ignoreSchedule: true, log: () => {} });
const resultOf = (outcome: Awaited<ReturnType<typeof run>>) => (outcome as { result: ExportBuildRunResult }).result.exports;

describe('export build against a failing origin', () => {
  it('fails the export at once when the origin refuses the request, with the origin’s reason', async () => {
    const o = await origin();
    const exp = await newExport(300);
    // The origin serves at most 200 documents a page and says so as a GraphQL error (BAD_USER_INPUT).
    const job = exportBuildJob(documentExportJob({ blobs, originUrl: o.url, signingKey: secrets.privateJwk, pageSize: 500 }));
    const outcome = await run(job);
    expect(outcome.outcome).toBe('ok');
    expect(resultOf(outcome)).toEqual([{ exportId: exp.exportId, stored: 0, chunks: 0, done: false, outcome: 'failed', error: expect.any(String) }]);
    const row = (await getExport(db, exp.exportId))!;
    expect(row).toMatchObject({ status: 'failed', buildAttempts: 0 });
    expect(row.failure).toBe(`origin ${o.url}/graphql refused Documents: BAD_USER_INPUT: first must be an integer from 0 to 200`);
    // It was asked once: no retry of a refusal.
    expect(o.stats().byOperation).toEqual({ Documents: 1 });
  });

  it('retries an origin that went away, counts the attempts on the export, and fails it when they run out', async () => {
    let current = await origin();
    const exp = await newExport(12);
    const job = exportBuildJob(documentExportJob({ blobs, originUrl: () => current.url, signingKey: secrets.privateJwk, pageSize: 4, chunksPerRun: 1, maxAttempts: 3 }));

    expect(resultOf(await run(job))).toMatchObject([{ exportId: exp.exportId, stored: 1, outcome: 'building' }]);
    await stop(current);
    // Stopped mid-build: the next run gets no answer (a refused connection, or the kept-alive one
    // found closed). The scheduler records the run as failed and retries it.
    const noAnswer = `origin ${current.url}/graphql failed Documents: no answer: fetch failed`;
    const down = await run(job);
    expect(down).toMatchObject({ outcome: 'failed', error: expect.stringContaining(noAnswer) });
    expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'building', buildAttempts: 1, buildError: expect.stringContaining(noAnswer) });

    // Back (on another port): the build goes on from its stored chunk and the count starts again.
    current = await origin();
    expect(resultOf(await run(job))).toMatchObject([{ exportId: exp.exportId, stored: 1, chunks: 2, outcome: 'building' }]);
    expect(await getExport(db, exp.exportId)).toMatchObject({ status: 'building', buildAttempts: 0, buildError: null });

    await stop(current);
    for (const attempts of [1, 2]) {
      expect(await run(job)).toMatchObject({ outcome: 'failed' });
      expect((await getExport(db, exp.exportId))!.buildAttempts).toBe(attempts);
    }
    const last = await run(job);
    expect(last.outcome).toBe('ok');
    expect(resultOf(last)).toMatchObject([{ exportId: exp.exportId, outcome: 'failed', attempts: 3 }]);
    const row = (await getExport(db, exp.exportId))!;
    expect(row.status).toBe('failed');
    expect(row.failure).toMatch(/^gave up after 3 attempts in a row without progress; the last failed with: origin http:\/\/127\.0\.0\.1:\d+\/graphql failed Documents: no answer: fetch failed/);
    expect(row.failure).toContain(current.url);
    expect(await listExportChunks(db, exp.exportId)).toEqual([]);
    expect((await blobs.list(exportBlobPrefix(exp.exportId))).objects).toEqual([]);
  });
});
