import type { JWK } from 'jose';
import type { BlobStore } from './blobs/store.ts';
import type { ExportBuildJobOptions } from './build/job.ts';
import { exportFinalizer } from './publish.ts';
import { documentSource, type DocumentSourceOptions } from './source/documents.ts';

/**
 * The export build job's options for `extractive-summary` exports of the origin's documents: the
 * document line source (source/documents.ts) and the finalizer that publishes what it built
 * (publish.ts), both with the control plane's signing key. Runtime-neutral (fetch, WebCrypto,
 * jose): the Node server passes the fs blob store; a Worker would pass the R2 one.
 */
export function documentExportJob(opts: {
  blobs: BlobStore;
  originUrl: DocumentSourceOptions['originUrl'];
  /** The control plane's current private key: it signs the origin tokens and the manifests. */
  signingKey: JWK;
  pageSize?: number;
  chunksPerRun?: number;
  /** Transient failures in a row before an export fails (build/job.ts). */
  maxAttempts?: number;
  /** Per origin request (source/documents.ts). */
  originTimeoutMs?: number;
}): ExportBuildJobOptions {
  const source = documentSource({ originUrl: opts.originUrl, signingKey: opts.signingKey, pageSize: opts.pageSize, timeoutMs: opts.originTimeoutMs });
  const finalize = exportFinalizer({
    blobs: opts.blobs,
    signingKey: () => ({ privateJwk: opts.signingKey }),
    manifestSource: source.manifestSource,
    piiReport: source.piiReport,
  });
  return { blobs: opts.blobs, lines: source.lines, finalize, chunksPerRun: opts.chunksPerRun, maxAttempts: opts.maxAttempts };
}
