import type { Db } from '../../db/client.ts';
import type { Job } from '../../scheduler/job.ts';
import type { BlobStore } from '../blobs/store.ts';
import { clearBuildAttempts, failExport, listBuildingExports, listExportChunks, recordBuildAttempt, type ExportChunkRow, type ExportRow } from '../queries.ts';
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
  /**
   * An export fails for good at its `maxAttempts`-th run in a row that ends in a transient error
   * with no chunk stored since the last one. Default 20: about 20 minutes of an unreachable origin
   * at the default interval, since the scheduler retries a failed run within `everyMs`.
   */
  maxAttempts?: number;
}

export const DEFAULT_MAX_BUILD_ATTEMPTS = 20;

export interface ExportBuildRunResult {
  exports: Array<
    Pick<BuildProgress, 'exportId' | 'stored' | 'chunks' | 'done'> & {
      outcome: 'building' | 'finalized' | 'stopped' | 'failed' | 'error';
      error?: string;
      /** Transient failures in a row, counting this run's (outcome `error`, or `failed` when they ran out). */
      attempts?: number;
    }
  >;
}

// Building exports looked at per run; more wait for the next one, oldest first.
const EXPORTS_PER_RUN = 50;

/**
 * The scheduler job (docs/adr/0010) that advances every `building` export by at most
 * `chunksPerRun` chunks in all, oldest export first, and finalizes those whose lines are all
 * stored. Its progress is the export_chunks rows, not the job's checkpoint: a run that dies
 * resumes each export after its last recorded chunk (build.ts).
 *
 * Failures are per export (docs/adr/0018). A source that breaks a resume rule or an origin that
 * refuses the request (ExportSourceError: source/origin-answer.ts decides which answers are
 * refusals) fails its export at once and drops its blobs. Any other error is an attempt, counted
 * on the export's row; the export fails once `maxAttempts` runs in a row end that way without a
 * stored chunk between them, so nothing stays `building` for ever. The run still throws after the
 * other exports had their turn, so the scheduler records the failure and retries within its interval.
 */
export function exportBuildJob(opts: ExportBuildJobOptions): Job {
  const chunksPerRun = opts.chunksPerRun ?? 16;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_BUILD_ATTEMPTS;
  const failForGood = async (db: Db, exportId: string, failure: string) => {
    if (await failExport(db, exportId, failure)) await opts.blobs.deletePrefix(exportBlobPrefix(exportId));
  };
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
            continue;
          }
          if (done) await opts.finalize(db, exp, await listExportChunks(db, exportId));
          if (exp.buildAttempts > 0) await clearBuildAttempts(db, exportId);
          results.push({ exportId, stored, chunks, done, outcome: done ? 'finalized' : 'building' });
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          const base = { exportId: exp.exportId, stored, chunks, done: false };
          if (err instanceof ExportSourceError) {
            await failForGood(db, exp.exportId, error);
            results.push({ ...base, outcome: 'failed', error });
            continue;
          }
          const attempts = await recordBuildAttempt(db, exp.exportId, error, stored > 0);
          if (attempts === undefined) {
            // It left `building` under this run (published or failed by another runner): nothing to retry.
            results.push({ ...base, outcome: 'stopped', error });
          } else if (attempts >= maxAttempts) {
            const failure = `gave up after ${attempts} attempts in a row without progress; the last failed with: ${error}`;
            await failForGood(db, exp.exportId, failure);
            results.push({ ...base, outcome: 'failed', error: failure, attempts });
          } else {
            results.push({ ...base, outcome: 'error', error, attempts });
          }
        }
      }
      const errors = results.filter((r) => r.outcome === 'error');
      if (errors.length > 0) throw new Error(`${EXPORT_BUILD_JOB}: ${errors.map((e) => `${e.exportId}: ${e.error}`).join('; ')}`);
      return { exports: results };
    },
  };
}
