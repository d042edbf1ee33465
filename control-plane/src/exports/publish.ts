import { and, eq, sql } from 'drizzle-orm';
import { dataExports, exportChunks } from '@conductor/schema/exports';
import { recordAudit } from '../audit/record.ts';
import { actorOf, automation, type Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import type { BlobStore } from './blobs/store.ts';
import { sha256Hex } from './build/build.ts';
import type { FinalizeExport } from './build/job.ts';
import { exportChunkKey } from './build/keys.ts';
import { ExportSourceError } from './build/pack.ts';
import { assembleManifest, piiProof, signManifest, type ManifestSigningKey } from './manifest/index.ts';
import { scan as defaultScan, type PiiReport, type Scanner } from './pii/index.ts';
import type { ExportChunkRow, ExportRow } from './queries.ts';

/*
 * Publication of a built export (docs/adr/0014, docs/adr/0015 §4): the `finalize` step of the
 * build job. It trusts nothing the build wrote but the chunk rows: every stored chunk is read back
 * from the blob store, one at a time, and checked against its row's hash; the lines those bytes
 * make are scanned for PII again, and `proofs.pii` is that scan's result; then the manifest is
 * assembled, signed with the control plane's current key, and published in one transaction under
 * the export's row lock, with its audit entry.
 */

export const EXPORT_PUBLISH_ACTION = 'export.publish';
/** Who publishes: the build job, acting on its own. */
export const EXPORT_BUILDER_ACTOR: Actor = actorOf(automation('export-builder'));

/**
 * The stored bytes are not the ones the build recorded (a chunk missing, damaged or cut in the
 * blob store), or they are not the JSONL the build writes. The export cannot be published, and
 * rebuilding it under the same rows would not help: the job fails it for good (it is an
 * ExportSourceError for that reason) with this message as its `failure`.
 */
export class ExportIntegrityError extends ExportSourceError {
  constructor(message: string) {
    super(message);
    this.name = 'ExportIntegrityError';
  }
}

export interface ExportFinalizerOptions {
  blobs: BlobStore;
  /** The control plane's current signing key; read at each publication, so a rotation applies to the next one. */
  signingKey: () => ManifestSigningKey | Promise<ManifestSigningKey>;
  /** The manifest's `source` (source/documents.ts `manifestSource`). */
  manifestSource: (exp: ExportRow, chunks: readonly ExportChunkRow[]) => Promise<{ operation: string; snapshot: string }>;
  /** The PII report of the build (findings by type and action), stored beside the manifest. */
  piiReport: (exp: ExportRow) => Promise<PiiReport>;
  scanner?: Scanner;
}

export interface FinalScan {
  lines: number;
  /** Findings in the final lines' `text`, by PII type. */
  findings: Record<string, number>;
}

export function exportFinalizer(opts: ExportFinalizerOptions): FinalizeExport {
  const scanner = opts.scanner ?? defaultScan;
  return async (db, exp, chunks) => {
    // A retry after the commit finds the export published (or failed) and has nothing to do.
    if (exp.status !== 'building') return;
    const finalScan = await rescanStoredChunks(opts.blobs, exp, chunks, scanner);
    const unsigned = await assembleManifest({
      exportId: exp.exportId,
      tenant: exp.tenantId,
      // The request's time, not this attempt's: a retried publication signs the same manifest.
      createdAt: exp.createdAt.toISOString(),
      chunkSize: exp.chunkSize,
      chunks,
      proofs: { license: exp.license, purpose: exp.purpose, pii: piiProof(finalScan.findings) },
      source: await opts.manifestSource(exp, chunks),
    });
    const manifest = await signManifest(unsigned, await opts.signingKey());
    const piiReport = await opts.piiReport(exp);
    await db.transaction(async (tx) => {
      const [locked] = await tx.select({ status: dataExports.status }).from(dataExports).where(eq(dataExports.exportId, exp.exportId)).for('update');
      if (locked?.status !== 'building') return;
      // Under the lock no chunk can be added (queries.ts recordExportChunk takes it too): the
      // chunks checked above must still be all there are.
      const [{ count } = { count: -1 }] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(exportChunks)
        .where(eq(exportChunks.exportId, exp.exportId));
      if (count !== chunks.length) throw new Error(`export ${exp.exportId} has ${count} chunk rows, but ${chunks.length} were checked: retry`);
      await tx
        .update(dataExports)
        .set({ status: 'pending_review', manifest, merkleRoot: manifest.merkleRoot, totalSize: manifest.totalSize, piiReport })
        .where(and(eq(dataExports.exportId, exp.exportId), eq(dataExports.status, 'building')));
      await recordAudit(tx, {
        actor: EXPORT_BUILDER_ACTOR,
        tenantId: exp.tenantId,
        action: EXPORT_PUBLISH_ACTION,
        target: `export:${exp.exportId}`,
        payload: {
          merkleRoot: manifest.merkleRoot,
          totalSize: manifest.totalSize,
          chunks: manifest.chunks.length,
          lines: finalScan.lines,
          pii: manifest.proofs.pii,
          source: manifest.source,
          signature: manifest.signature,
        },
      });
    });
  };
}

/**
 * Reads every chunk back from the blob store in order, one in memory at a time (at most
 * `chunkSize` bytes: WebCrypto hashes whole buffers, docs/adr/0014), checks it against its row,
 * and scans the `text` of every JSONL line the chunks make. Lines span chunks (docs/adr/0015), so
 * the bytes after a chunk's last newline are carried into the next one; UTF-8 is decoded in
 * streaming mode for the same reason (a cut may fall inside a character).
 */
export async function rescanStoredChunks(blobs: BlobStore, exp: Pick<ExportRow, 'exportId' | 'chunkSize'>, chunks: readonly ExportChunkRow[], scanner: Scanner = defaultScan): Promise<FinalScan> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const findings: Record<string, number> = {};
  let lines = 0;
  let partial = '';
  for (const [i, row] of chunks.entries()) {
    if (row.ix !== i) throw new ExportIntegrityError(`chunk rows are not 0..${chunks.length - 1} in order: row ${i} is chunk ${row.ix}`);
    if (row.size !== exp.chunkSize && i !== chunks.length - 1) throw new ExportIntegrityError(`chunk ${i} is ${row.size} bytes; every chunk but the last must be ${exp.chunkSize}`);
    const bytes = await readWhole(blobs, exportChunkKey(exp.exportId, row.ix));
    if (!bytes) throw new ExportIntegrityError(`chunk ${i} is missing from the blob store`);
    if (bytes.length !== row.size) throw new ExportIntegrityError(`chunk ${i} in the blob store is ${bytes.length} bytes, ${row.size} recorded`);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== row.sha256) throw new ExportIntegrityError(`chunk ${i} in the blob store has sha256 ${sha256}, ${row.sha256} recorded: it was damaged in storage`);
    let text: string;
    try {
      text = partial + decoder.decode(bytes, { stream: true });
    } catch {
      throw new ExportIntegrityError(`chunk ${i} is not UTF-8`);
    }
    const parts = text.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines += 1;
      for (const f of scanner(lineText(line, lines))) findings[f.type] = (findings[f.type] ?? 0) + 1;
    }
  }
  try {
    partial += decoder.decode();
  } catch {
    throw new ExportIntegrityError('the export ends inside a UTF-8 character');
  }
  if (partial !== '') throw new ExportIntegrityError('the export does not end with a newline: its last line is cut');
  return { lines, findings };
}

function lineText(line: string, n: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new ExportIntegrityError(`line ${n} is not JSON`);
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') throw new ExportIntegrityError(`line ${n} has no text`);
  return text;
}

async function readWhole(blobs: BlobStore, key: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const got = await blobs.get(key);
  if (!got) return null;
  const bytes = new Uint8Array(got.size);
  let at = 0;
  const reader = got.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > bytes.length) {
      await reader.cancel();
      throw new ExportIntegrityError(`${key} in the blob store streams more bytes than its size (${got.size})`);
    }
    bytes.set(value, at);
    at += value.length;
  }
  return at === bytes.length ? bytes : bytes.slice(0, at);
}
