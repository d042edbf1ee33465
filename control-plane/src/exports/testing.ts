import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ClaimsSchema, type Claims } from '@conductor/schema/contracts/auth';
import type { Manifest } from '@conductor/schema/contracts/exports';
import type { MintOptions } from '@conductor/schema/auth/tokens';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { startJwksServer } from '@conductor/example-origin/testing/jwks-server';
import { runJob } from '../scheduler/runner.ts';
import { seedDemo } from '../seed/demo.ts';
import { startTestApp, type TestApp } from '../testing/app.ts';
import { fsBlobStore } from './blobs/fs.ts';
import type { BlobStore } from './blobs/store.ts';
import { exportBuildJob } from './build/job.ts';
import { exportChunkKey } from './build/keys.ts';
import { documentExportJob } from './pipeline.ts';
import { getExport, type ExportRow } from './queries.ts';

/*
 * The real stack the /v1/exports suites run on: the app on a fresh database with the demo seed, an
 * fs blob store in a temporary directory shared by the app and the build job (as server.ts shares
 * one), the example origin serving the tenants' documents, and the real build job with the
 * document source and the finalizer, signing with the app's key.
 */

/** Small chunks, so a few dozen documents make several and ranges cross their boundaries. */
export const TEST_CHUNK_SIZE = 4096;

export const REQUESTER: MintOptions = { tenant: 'acme', sub: 'user:requester@acme', scopes: ['export.create'], purposes: ['investigation'] };
export const REVIEWER: MintOptions = { tenant: 'acme', sub: 'user:reviewer@acme', scopes: ['export.review'], clearance: 4 };
/** A RAG pipeline's credential: it fetches released exports and can create none. */
export const PIPELINE: MintOptions = { tenant: 'acme', sub: 'service:rag@acme', scopes: ['export.download'] };
export const SCRAPER: MintOptions = { tenant: 'conductor', sub: 'service:prometheus', scopes: ['metrics.read'] };

/** The claims a verified token with these options carries (what services called without HTTP take). */
export function claimsOf(opts: MintOptions): Claims {
  return ClaimsSchema.parse({ tenant: opts.tenant, sub: opts.sub ?? `user:${opts.tenant}`, tenants: opts.tenants, roles: opts.roles, scopes: opts.scopes, clearance: opts.clearance, purposes: opts.purposes });
}

export interface ExportsStack {
  t: TestApp;
  blobs: BlobStore;
  root: string;
  origin: RunningOrigin;
  /** Runs the build job until the export leaves `building`. */
  build(exportId: string): Promise<ExportRow>;
  /** POST /v1/exports as REQUESTER, then the build: the export pending review. */
  createBuilt(body?: Record<string, unknown>): Promise<ExportRow>;
  /** The bytes stored for chunk `ix`, read from disk (not through the blob store). */
  storedChunk(exportId: string, ix: number): Promise<Buffer>;
  chunkPath(exportId: string, ix: number): string;
  close(): Promise<void>;
}

export const EXPORT_REQUEST = { tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 25 };

export async function startExportsStack(): Promise<ExportsStack> {
  const root = await mkdtemp(join(tmpdir(), 'conductor-export-routes-'));
  const blobs = fsBlobStore(root);
  const t = await startTestApp({ exportBlobs: blobs, exportChunkSize: TEST_CHUNK_SIZE });
  await seedDemo(t.db);
  const jwks = await startJwksServer(t.secrets.publicJwk);
  const origin = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
  const job = exportBuildJob(documentExportJob({ blobs, originUrl: () => origin.url, signingKey: t.secrets.privateJwk, pageSize: 40, chunksPerRun: 1_000 }));

  const build = async (exportId: string) => {
    for (let run = 0; run < 50; run++) {
      const outcome = await runJob(t.db, job, new Date(), { log: () => {}, ignoreSchedule: true });
      expect(outcome.outcome).toBe('ok');
      const row = (await getExport(t.db, exportId))!;
      if (row.status !== 'building') return row;
    }
    throw new Error(`export ${exportId} never left building`);
  };
  const chunkPath = (exportId: string, ix: number) => join(root, exportChunkKey(exportId, ix));
  return {
    t,
    blobs,
    root,
    origin,
    build,
    async createBuilt(body = EXPORT_REQUEST) {
      const res = await t.call('POST', '/v1/exports', { token: await t.token(REQUESTER), body });
      expect(res.status).toBe(202);
      const { exportId } = (await res.json()) as { exportId: string };
      const row = await build(exportId);
      expect(row.status).toBe('pending_review');
      return row;
    },
    storedChunk: (exportId, ix) => readFile(chunkPath(exportId, ix)),
    chunkPath,
    async close() {
      await origin.close();
      await jwks.close();
      await t.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * RFC 6962 §2.1 Merkle Tree Hash over the chunks' digests, written out again here with node:crypto
 * so the tests check the served validators against an independent computation.
 */
export function independentMerkleRoot(digestsHex: readonly string[]): string {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const mth = (leaves: Buffer[]): Buffer => {
    if (leaves.length === 0) return h();
    if (leaves.length === 1) return h(Buffer.from([0]), leaves[0]!);
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return mth(digestsHex.map((d) => Buffer.from(d, 'hex'))).toString('hex');
}

export function manifestOf(row: ExportRow): Manifest {
  return row.manifest as Manifest;
}
