import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { startControlPlane, type RunningControlPlane } from '../server.ts';
import { createTestDatabaseUrl, type TestDatabaseUrl } from '../testing/database.ts';
import { defaultBlobRoot, fsBlobStore } from './blobs/fs.ts';
import { EXPORT_BUILD_JOB } from './build/job.ts';
import { exportChunkKey } from './build/keys.ts';
import { verifyExport } from './manifest/index.ts';
import { getExport, insertExport } from './queries.ts';

// The Node server's wiring: given an origin URL it registers the export build with the fs blob
// store under its data directory, and the origin accepts the tokens it mints against its own JWKS.
let dataDir: string;
let pg: TestDatabaseUrl | undefined;
let cp: RunningControlPlane;
let origin: RunningOrigin | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conductor-cp-exports-'));
  pg = await createTestDatabaseUrl();
  // Started before the origin, as scripts/stack.ts does: the URL is read when the build runs. The
  // timer ticks once at start and then not again during the test: runNow is the only run.
  cp = await startControlPlane({ port: 0, dataDir, databaseUrl: pg?.url, pglitePath: 'memory://', seedDemo: true, originUrl: () => origin!.url, schedulerTickMs: 3_600_000 });
  origin = await startOrigin({ port: 0, jwksUrl: `${cp.url}/.well-known/jwks.json`, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
}, 60_000);
afterAll(async () => {
  await origin?.close();
  await cp?.close();
  await pg?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('builds and publishes a requested export through the server’s scheduler, verifiable with the served JWKS', async () => {
  const exp = await insertExport(cp.db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 30, chunkSize: 8 * 1024 });
  // The timer's start tick can race this insert (slower on PostgreSQL) and build the export itself,
  // or hold the job's lease while runNow asks: run until a scheduler run has published it.
  for (let i = 0; i < 120 && (await getExport(cp.db, exp.exportId))!.status === 'building'; i++) {
    await cp.scheduler.runNow(EXPORT_BUILD_JOB);
    if ((await getExport(cp.db, exp.exportId))!.status === 'building') await new Promise((r) => setTimeout(r, 250));
  }
  const row = (await getExport(cp.db, exp.exportId))!;
  expect(row.status).toBe('pending_review');

  const jwks = (await (await fetch(`${cp.url}/.well-known/jwks.json`)).json()) as { keys: [] };
  const blobs = fsBlobStore(defaultBlobRoot(dataDir));
  const readChunk = async (ix: number) => {
    const got = await blobs.get(exportChunkKey(exp.exportId, ix));
    return got ? new Uint8Array(await new Response(got.body).arrayBuffer()) : null;
  };
  const verified = await verifyExport({ manifest: row.manifest, jwks, readChunk });
  expect(verified.failures).toEqual([]);
  expect(verified.ok).toBe(true);
}, 120_000);
