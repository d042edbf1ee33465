import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecrets, publicJwks, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { auditLog } from '@conductor/schema/audit';
import { corpusSnapshot, generateDocument } from '@conductor/example-origin/corpus';
import persisted from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { startJwksServer } from '@conductor/example-origin/testing/jwks-server';
import { verifyAuditChain } from '../audit/verify.ts';
import type { Db } from '../db/client.ts';
import { runJob } from '../scheduler/runner.ts';
import { openTestDatabase } from '../testing/database.ts';
import { insertTenant } from '../tenants/queries.ts';
import { fsBlobStore } from './blobs/fs.ts';
import type { BlobStore } from './blobs/store.ts';
import { buildExportChunks, sha256Hex } from './build/build.ts';
import { exportBuildJob, type ExportBuildRunResult } from './build/job.ts';
import { exportChunkKey } from './build/keys.ts';
import { ExportSourceError } from './build/pack.ts';
import { verifyExport } from './manifest/index.ts';
import { totalFindings, type PiiReport } from './pii/index.ts';
import { documentExportJob } from './pipeline.ts';
import { EXPORT_BUILDER_ACTOR, EXPORT_PUBLISH_ACTION, ExportIntegrityError, rescanStoredChunks } from './publish.ts';
import { getExport, insertExport, listExportChunks, type ExportChunkRow, type ExportRow } from './queries.ts';
import { documentsOperationIdOf, DOCUMENTS_QUERY } from './source/index.ts';
import { expectedText, type ExportLine } from './summary/index.ts';

// An export built end to end: a real origin serving the acme corpus, a real database, chunks in a
// temporary directory, the real build job with the document source and the finalizer.
let db: Db;
let closeDb: () => Promise<void>;
let root: string;
let blobs: BlobStore;
let secrets: DevSecrets;
let jwksServer: { url: string; close(): Promise<void> };
let origin: RunningOrigin;

const TENANT = 'acme';
const MAX_DOCUMENTS = 200;
// 200 documents summarise to about 120 KiB of JSONL: 16 KiB chunks give several, and resumes inside pages.
const CHUNK = 16 * 1024;
const T0 = new Date('2026-12-02T12:00:00Z');

beforeAll(async () => {
  ({ db, close: closeDb } = await openTestDatabase());
  await insertTenant(db, { id: TENANT, name: 'Acme', strictSafelist: false });
  root = await mkdtemp(join(tmpdir(), 'conductor-export-publish-'));
  blobs = fsBlobStore(root);
  secrets = await generateSecrets();
  jwksServer = await startJwksServer(secrets.publicJwk);
  // Mutations would purge through the edge; this test only reads, so no edge listens there.
  origin = await startOrigin({ port: 0, jwksUrl: jwksServer.url, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
}, 60_000);
afterAll(async () => {
  await origin?.close();
  await jwksServer?.close();
  await closeDb?.();
  if (root) await rm(root, { recursive: true, force: true });
});

// What the server registers (exports/pipeline.ts); 40 documents a page, so resumes fall inside pages.
const pipeline = (chunksPerRun = 1_000) => documentExportJob({ blobs, originUrl: () => origin.url, signingKey: secrets.privateJwk, pageSize: 40, chunksPerRun });

const newExport = (redact: boolean) =>
  insertExport(db, { tenantId: TENANT, kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], redact, maxDocuments: MAX_DOCUMENTS, chunkSize: CHUNK });

/** Runs the build job until the export leaves `building`; answers each run's outcome for it. */
async function buildToEnd(exp: ExportRow, chunksPerRun: number) {
  const job = exportBuildJob(pipeline(chunksPerRun));
  const outcomes: ExportBuildRunResult['exports'] = [];
  for (let run = 0; run < 100; run++) {
    const outcome = await runJob(db, job, T0, { log: () => {}, ignoreSchedule: true });
    expect(outcome.outcome).toBe('ok');
    outcomes.push(...(outcome as { result: ExportBuildRunResult }).result.exports.filter((e) => e.exportId === exp.exportId));
    if ((await getExport(db, exp.exportId))!.status !== 'building') return { outcomes, row: (await getExport(db, exp.exportId))! };
  }
  throw new Error('the export never left building');
}

async function readChunk(exportId: string, ix: number): Promise<Uint8Array | null> {
  const got = await blobs.get(exportChunkKey(exportId, ix));
  return got ? new Uint8Array(await new Response(got.body).arrayBuffer()) : null;
}

async function storedLines(exportId: string, chunks: number): Promise<ExportLine[]> {
  const parts: Uint8Array[] = [];
  for (let ix = 0; ix < chunks; ix++) parts.push((await readChunk(exportId, ix))!);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as ExportLine);
}

const documents = Array.from({ length: MAX_DOCUMENTS }, (_, i) => generateDocument(TENANT, i + 1));
const bodies = new Map(documents.map((d) => [d.id, d.body]));
const planted = documents.flatMap((d) => d.planted.map((p) => p.value));

async function expectPublishedAndSafe(row: ExportRow, redact: boolean) {
  expect(row.status).toBe('pending_review');
  const manifest = row.manifest as { chunks: unknown[]; proofs: { pii: unknown }; source: unknown; merkleRoot: string; totalSize: number };
  const chunks = manifest.chunks.length;
  expect(chunks).toBeGreaterThan(4);
  expect(row.merkleRoot).toBe(manifest.merkleRoot);
  expect(row.totalSize).toBe(manifest.totalSize);
  expect(manifest.proofs.pii).toBe('none');
  expect(manifest.source).toEqual({ operation: await documentsOperationIdOf(), snapshot: corpusSnapshot() });

  const verified = await verifyExport({ manifest: row.manifest, jwks: { keys: publicJwks(secrets) }, readChunk: (ix) => readChunk(row.exportId, ix) });
  expect(verified.failures).toEqual([]);
  expect(verified).toMatchObject({ ok: true, kid: secrets.publicJwk.kid });

  const lines = await storedLines(row.exportId, chunks);
  // Every document of the first maxDocuments, in order, and none after.
  const docIds = [...new Set(lines.map((l) => l.docId))];
  expect(docIds.every((id) => bodies.has(id))).toBe(true);
  expect(docIds).toEqual([...docIds].sort());
  expect(docIds.length).toBeGreaterThan(MAX_DOCUMENTS * 0.9);
  for (const line of lines) expect(expectedText(bodies.get(line.docId)!, line)).toBe(line.text);
  for (const line of lines) for (const value of planted) expect(line.text.includes(value), `${line.docId} ${line.start}: ${value}`).toBe(false);
  expect(lines.some((l) => l.redacted)).toBe(redact);

  const report = row.piiReport as PiiReport;
  expect(totalFindings(report)).toBeGreaterThan(0);
  expect(report.sentences.scanned).toBe(report.sentences.clean + report.sentences.dropped + report.sentences.redacted);
  expect(report.sentences[redact ? 'redacted' : 'dropped']).toBeGreaterThan(0);
  expect(report.sentences[redact ? 'dropped' : 'redacted']).toBe(0);
  expect(lines.length).toBe(report.sentences.clean + report.sentences.redacted);

  const entries = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, EXPORT_PUBLISH_ACTION), eq(auditLog.target, `export:${row.exportId}`)));
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ actor: EXPORT_BUILDER_ACTOR, tenantId: TENANT, payload: { merkleRoot: manifest.merkleRoot, pii: 'none', lines: lines.length } });
  expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  return { lines, report };
}

describe('export assembly end to end (origin → lines → chunks → signed manifest)', () => {
  it('reads the safelisted Documents operation: the query text is the one the safelist names by its SHA-256', async () => {
    const op = persisted.operations.find((o) => o.name === 'Documents')!;
    expect(op.body).toBe(DOCUMENTS_QUERY);
    expect(await documentsOperationIdOf()).toBe(op.id);
  });

  it('redacting: builds over many runs (resuming inside pages and lines), publishes a verified, PII-free export, the same bytes and report as one pass', async () => {
    const resumed = await newExport(true);
    const { outcomes, row } = await buildToEnd(resumed, 1);
    expect(outcomes.length).toBeGreaterThan(2);
    expect(outcomes.at(-1)!.outcome).toBe('finalized');
    // The runs stopped inside pages and between a document's lines, not only at page ends.
    const cursors = (await listExportChunks(db, resumed.exportId)).map((c) => c.cursor as { doc: number; line: number });
    expect(cursors.some((c) => c.doc > 0)).toBe(true);
    expect(cursors.some((c) => c.line > 0)).toBe(true);
    const { report } = await expectPublishedAndSafe(row, true);

    const onePass = await newExport(true);
    const single = await buildToEnd(onePass, 1_000);
    expect(single.outcomes.map((o) => o.outcome)).toEqual(['finalized']);
    const resumedChunks = (await listExportChunks(db, resumed.exportId)).map((c) => c.sha256);
    expect((await listExportChunks(db, onePass.exportId)).map((c) => c.sha256)).toEqual(resumedChunks);
    expect(single.row.merkleRoot).toBe(row.merkleRoot);
    // The one-pass report is the build's own; the resumed one was read again: they agree.
    expect(single.row.piiReport).toEqual(report);
  }, 120_000);

  it('dropping: publishes a verified export with no redacted line and no planted value', async () => {
    const exp = await newExport(false);
    const { row } = await buildToEnd(exp, 1_000);
    await expectPublishedAndSafe(row, false);
  }, 120_000);

  it('a resume refuses pages from another corpus snapshot than the stored chunks were read from', async () => {
    const exp = await newExport(false);
    const stale = { snapshot: 'corpus-v1/seed-0', after: null, seen: 0, doc: 1, line: 0 };
    const read = async () => {
      for await (const _ of pipeline().lines(exp)(stale));
    };
    await expect(read()).rejects.toThrow(new ExportSourceError(`the origin now serves corpus ${corpusSnapshot()}, but the stored chunks were read from corpus-v1/seed-0`));
  });

  it('a finalize retried after publication changes nothing', async () => {
    const exp = await newExport(false);
    const { row } = await buildToEnd(exp, 1_000);
    const { finalize } = pipeline();
    await finalize(db, { ...row, status: 'building' }, await listExportChunks(db, exp.exportId));
    expect(await getExport(db, exp.exportId)).toEqual(row);
    const entries = await db.select().from(auditLog).where(eq(auditLog.target, `export:${exp.exportId}`));
    expect(entries).toHaveLength(1);
  }, 120_000);

  it('a chunk damaged in storage before publication fails the export with the reason, and its blobs go', async () => {
    const exp = await newExport(true);
    expect(await buildExportChunks(db, blobs, exp, pipeline().lines(exp))).toMatchObject({ done: true });
    const key = exportChunkKey(exp.exportId, 1);
    const bytes = (await readChunk(exp.exportId, 1))!;
    bytes[100] = bytes[100]! ^ 0x01;
    await blobs.put(key, bytes);

    const { outcomes, row } = await buildToEnd(exp, 1_000);
    expect(outcomes).toMatchObject([{ outcome: 'failed', error: expect.stringMatching(/^chunk 1 in the blob store has sha256 [0-9a-f]{64}, [0-9a-f]{64} recorded: it was damaged in storage$/) }]);
    expect(row).toMatchObject({ status: 'failed', manifest: null, merkleRoot: null, failure: expect.stringContaining('chunk 1 in the blob store') });
    expect(await blobs.head(exportChunkKey(exp.exportId, 0))).toBeNull();
    const entries = await db.select().from(auditLog).where(eq(auditLog.target, `export:${exp.exportId}`));
    expect(entries).toHaveLength(0);
  }, 120_000);

});

describe('the final scan of stored chunks', () => {
  // Stores `jsonl` cut every `chunkSize` bytes, as the build does, and answers the chunk rows.
  async function store(exportId: string, jsonl: string, chunkSize: number): Promise<ExportChunkRow[]> {
    const all = new TextEncoder().encode(jsonl);
    const rows: ExportChunkRow[] = [];
    for (let ix = 0; ix * chunkSize < all.length; ix++) {
      const bytes = all.slice(ix * chunkSize, (ix + 1) * chunkSize);
      await blobs.put(exportChunkKey(exportId, ix), bytes);
      rows.push({ exportId, ix, sha256: await sha256Hex(bytes), size: bytes.length, cursor: null, cursorOffset: 0, createdAt: T0 });
    }
    return rows;
  }
  const exportId = '00000000-0000-4000-8000-000000000001';
  const line = (text: string) => `${JSON.stringify({ docId: 'doc-1', start: 0, end: text.length, text })}\n`;

  it('finds PII in a line cut across chunks (and a character cut in two), so proofs.pii cannot be "none"', async () => {
    // 7-byte chunks cut the address, and the 3-byte "€" (bytes 145–147) after its second byte.
    const jsonl = line('Nothing here.') + line('Write to jane.doe@example.com for the Q3 € report.');
    const rows = await store(exportId, jsonl, 7);
    expect(rows.length).toBeGreaterThan(10);
    expect(await rescanStoredChunks(blobs, { exportId, chunkSize: 7 }, rows)).toEqual({ lines: 2, findings: { email: 1 } });
  });

  it('refuses an export whose last line is cut, or whose lines are not the JSON it writes', async () => {
    const cut = await store(exportId, line('Nothing here.').slice(0, -1), 8);
    await expect(rescanStoredChunks(blobs, { exportId, chunkSize: 8 }, cut)).rejects.toThrow(new ExportIntegrityError('the export does not end with a newline: its last line is cut'));
    const notJson = await store(exportId, 'plain text\n', 8);
    await expect(rescanStoredChunks(blobs, { exportId, chunkSize: 8 }, notJson)).rejects.toThrow('line 1 is not JSON');
  });
});
