import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Job } from '../scheduler/job.ts';
import { deleteBefore, PRUNED_TABLES, type PruneCounts } from './queries.ts';

const DAY_MS = 86_400_000;

/** Hourly: each run deletes about an hour's rows, which keeps every delete small. */
export const RETENTION_EVERY_MS = 60 * 60_000;

const CheckpointSchema = z.object({ cutoff: z.iso.datetime(), counts: z.record(z.string(), z.number()) });

/**
 * Deletes everything PRUNED_TABLES lists that is older than `retentionDays` before `now`, table by
 * table. `resume` (a checkpoint) continues a run that stopped part-way with the same cutoff;
 * `onTableDone` is told after each table, to save such a checkpoint.
 */
export async function pruneMetrics(
  db: Db,
  retentionDays: number,
  now: Date,
  resume?: { cutoff: Date; counts: Partial<PruneCounts> },
  onTableDone?: (progress: { cutoff: Date; counts: Partial<PruneCounts> }) => Promise<void>,
): Promise<{ cutoff: Date; counts: PruneCounts }> {
  const cutoff = resume?.cutoff ?? new Date(now.getTime() - retentionDays * DAY_MS);
  const counts: Partial<PruneCounts> = { ...resume?.counts };
  for (const { key, table, column } of PRUNED_TABLES) {
    if (counts[key] !== undefined) continue;
    counts[key] = await deleteBefore(db, table, column, cutoff);
    await onTableDone?.({ cutoff, counts: { ...counts } });
  }
  return { cutoff, counts: counts as PruneCounts };
}

/**
 * The retention job: idempotent (deleting what is older than a cutoff twice deletes nothing more),
 * and a run that crashes part-way resumes with the tables it had not done yet, under the same cutoff.
 */
export function metricsRetentionJob(retentionDays: number): Job {
  return {
    name: 'metrics.retention',
    everyMs: RETENTION_EVERY_MS,
    leaseMs: 15 * 60_000,
    async run({ db, now, checkpoint, saveCheckpoint }) {
      const saved = CheckpointSchema.safeParse(checkpoint);
      const resume = saved.success ? { cutoff: new Date(saved.data.cutoff), counts: saved.data.counts as Partial<PruneCounts> } : undefined;
      const { cutoff, counts } = await pruneMetrics(db, retentionDays, now, resume, (p) => saveCheckpoint({ cutoff: p.cutoff.toISOString(), counts: p.counts }));
      return { cutoff: cutoff.toISOString(), retentionDays, deleted: counts };
    },
  };
}
