import type { Db } from '../../db/client.ts';
import type { Job } from '../../scheduler/job.ts';
import type { BlobStore } from '../blobs/store.ts';
import { failExport, listBuildingExports, listExportChunks, type ExportChunkRow, type ExportRow } from '../queries.ts';
import { buildExportChunks, type BuildProgress } from './build.ts';
import { exportBlobPrefix } from './keys.ts';
import { ExportSourceError, type JsonValue, type LineSource } from './pack.ts';

export const EXPORT_BUILD_JOB = 'exports.build';

/**
 * Called once every chunk of an export is stored, with its chunk rows in index order. This is
 * where the export is assembled: Merkle root, signed manifest, and the move out of `building`
 * (to `pending_review`), in one transaction that locks the export's row (queries.ts
 * recordExportChunk takes the same lock, so no chunk can be added behind it). Until it commits
 * the export stays `building` and the next run calls finalize again, so it must be idempotent.
 */
export type FinalizeExport = (db: Db, exp: ExportRow, chunks: ExportChunkRow[]) => Promise<void>;

export interface ExportBuildJobOptions {
  blobs: BlobStore;
  /** The lines of an export (its corpus, summaries, PII scan), restartable at a cursor. */
  lines: (exp: ExportRow) => LineSource<JsonValue>;
  finalize: FinalizeExport;
  /** Chunks stored per run, over all exports; bounds a run's time (a Worker's Cron invocation). Default 16. */
  chunksPerRun?: number;
  /** Default: every minute, the Cron Trigger's own period. */
  everyMs?: number;
}

export interface ExportBuildRunResult {
  exports: Array<Pick<BuildProgress, 'exportId' | 'stored' | 'chunks' | 'done'> & { outcome: 'building' | 'finalized' | 'stopped' | 'failed' | 'error'; error?: string }>;
}

// Building exports looked at per run; more wait for the next one, oldest first.
const EXPORTS_PER_RUN = 50;

/**
 * The scheduler job (docs/adr/0010) that advances every `building` export by at most
 * `chunksPerRun` chunks in all, oldest export first, and finalizes those whose lines are all
 * stored. Its progress is the export_chunks rows, not the job's checkpoint: a run that dies
 * resumes each export after its last recorded chunk (build.ts). A source that breaks a resume
 * rule fails its export for good and drops its blobs; any other error is retried by the scheduler,
 * after the other exports had their turn.
 */
export function exportBuildJob(opts: ExportBuildJobOptions): Job {
  const chunksPerRun = opts.chunksPerRun ?? 16;
  return {
    name: EXPORT_BUILD_JOB,
    everyMs: opts.everyMs ?? 60_000,
    async run({ db }): Promise<ExportBuildRunResult> {
      const results: ExportBuildRunResult['exports'] = [];
      let budget = chunksPerRun;
      for (const exp of await listBuildingExports(db, EXPORTS_PER_RUN)) {
        if (budget <= 0) break;
        let stored = 0;
        let chunks = 0;
        const onChunk = ({ ix }: { ix: number }) => {
          stored += 1;
          budget -= 1;
          chunks = ix + 1;
        };
        try {
          const progress = await buildExportChunks(db, opts.blobs, exp, opts.lines(exp), { maxChunks: budget, onChunk });
          const { exportId, done } = progress;
          chunks = progress.chunks;
          if (progress.stopped) {
            results.push({ exportId, stored, chunks, done, outcome: 'stopped' });
          } else if (done) {
            await opts.finalize(db, exp, await listExportChunks(db, exportId));
            results.push({ exportId, stored, chunks, done, outcome: 'finalized' });
          } else {
            results.push({ exportId, stored, chunks, done, outcome: 'building' });
          }
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          if (err instanceof ExportSourceError) {
            if (await failExport(db, exp.exportId, error)) await opts.blobs.deletePrefix(exportBlobPrefix(exp.exportId));
            results.push({ exportId: exp.exportId, stored, chunks, done: false, outcome: 'failed', error });
          } else {
            results.push({ exportId: exp.exportId, stored, chunks, done: false, outcome: 'error', error });
          }
        }
      }
      const errors = results.filter((r) => r.outcome === 'error');
      if (errors.length > 0) throw new Error(`${EXPORT_BUILD_JOB}: ${errors.map((e) => `${e.exportId}: ${e.error}`).join('; ')}`);
      return { exports: results };
    },
  };
}
