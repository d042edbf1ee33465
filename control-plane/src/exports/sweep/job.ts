import type { Job } from '../../scheduler/job.ts';
import { getJob } from '../../scheduler/queries.ts';
import type { BlobStore } from '../blobs/store.ts';
import { exportSweepStates } from './queries.ts';
import { exportIdsOf, selectOrphans, type OrphanReason } from './select.ts';

export const EXPORT_SWEEP_JOB = 'exports.sweep';
/** Everything the exports write lives under this prefix (build/keys.ts). */
export const EXPORT_BLOBS_PREFIX = 'exports/';
/** Blobs younger than this are never swept (select.ts says why). */
export const DEFAULT_SWEEP_GRACE_MS = 60 * 60_000;

export interface ExportSweepJobOptions {
  blobs: BlobStore;
  graceMs?: number;
  /** Default: hourly. */
  everyMs?: number;
  /**
   * Listing pages (up to 1000 keys each) per run; default 10. A run that stops here returns where
   * it stopped, and the next run goes on from there: a Worker's Cron invocation has a bounded
   * number of subrequests, and a sweep is not urgent.
   */
  pagesPerRun?: number;
  /** Keys per listing page, at most 1000 (R2's page); default 1000. */
  pageSize?: number;
}

export interface ExportSweepRunResult {
  listed: number;
  deleted: number;
  byReason: Partial<Record<OrphanReason, number>>;
  /** The last key this run looked at when it stopped before the end; null once the listing was done. */
  resumeAfter: string | null;
}

/**
 * The scheduler job (docs/adr/0010) that deletes orphaned export blobs (docs/adr/0018): it walks
 * the `exports/` keys a page at a time, reads the state of the exports each page names, and
 * deletes what select.ts picks. Where a bounded run stopped is its result (`resumeAfter`), read
 * back from the job's row by the next run; a run that fails starts again from the last
 * successful run's position, so nothing is skipped.
 */
export function exportSweepJob(opts: ExportSweepJobOptions): Job {
  const graceMs = opts.graceMs ?? DEFAULT_SWEEP_GRACE_MS;
  const pagesPerRun = opts.pagesPerRun ?? 10;
  return {
    name: EXPORT_SWEEP_JOB,
    everyMs: opts.everyMs ?? 60 * 60_000,
    async run({ db, now }): Promise<ExportSweepRunResult> {
      const previous = (await getJob(db, EXPORT_SWEEP_JOB))?.lastResult as Partial<ExportSweepRunResult> | null | undefined;
      let startAfter = typeof previous?.resumeAfter === 'string' ? previous.resumeAfter : undefined;
      const result: ExportSweepRunResult = { listed: 0, deleted: 0, byReason: {}, resumeAfter: null };
      for (let pages = 0; pages < pagesPerRun; pages++) {
        const page = await opts.blobs.list(EXPORT_BLOBS_PREFIX, { ...(opts.pageSize ? { limit: opts.pageSize } : {}), ...(startAfter === undefined ? {} : { startAfter }) });
        const orphans = selectOrphans(page.objects, await exportSweepStates(db, exportIdsOf(page.objects)), now, graceMs);
        await opts.blobs.delete(orphans.map((o) => o.key));
        result.listed += page.objects.length;
        result.deleted += orphans.length;
        for (const o of orphans) result.byReason[o.reason] = (result.byReason[o.reason] ?? 0) + 1;
        const last = page.objects.at(-1)?.key;
        if (!page.truncated || last === undefined) return result;
        startAfter = last;
      }
      return { ...result, resumeAfter: startAfter ?? null };
    },
  };
}
