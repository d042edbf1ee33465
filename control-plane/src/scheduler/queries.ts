import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { scheduledJobs } from '@conductor/schema/jobs';
import type { Db } from '../db/client.ts';

export type JobRow = typeof scheduledJobs.$inferSelect;

/** Gives every registered job its row, due at once; existing rows (and their schedule) are kept. */
export async function registerJobs(db: Db, names: readonly string[], now: Date): Promise<void> {
  if (names.length === 0) return;
  await db
    .insert(scheduledJobs)
    .values(names.map((name) => ({ name, nextRunAt: now })))
    .onConflictDoNothing();
}

/**
 * Claims a job for `owner` until `leaseUntil`, in one conditional UPDATE: only when no unexpired
 * lease is held and, unless `ignoreSchedule`, the job is due. Answers the row (with the checkpoint
 * of an unfinished run) or undefined when the claim lost.
 */
export async function claimJob(db: Db, name: string, owner: string, now: Date, leaseUntil: Date, ignoreSchedule = false): Promise<JobRow | undefined> {
  const j = scheduledJobs;
  const [row] = await db
    .update(j)
    .set({ leaseOwner: owner, leaseExpiresAt: leaseUntil, lastStartedAt: now })
    .where(and(eq(j.name, name), or(isNull(j.leaseExpiresAt), lte(j.leaseExpiresAt, now)), ignoreSchedule ? undefined : lte(j.nextRunAt, now)))
    .returning();
  return row;
}

/** A job's row: its schedule, lease and last outcome. */
export async function getJob(db: Db, name: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(scheduledJobs).where(eq(scheduledJobs.name, name));
  return row;
}

/** Extends a lease this owner still holds; false when it was lost (expired and taken over). */
export async function renewLease(db: Db, name: string, owner: string, leaseUntil: Date): Promise<boolean> {
  const rows = await db
    .update(scheduledJobs)
    .set({ leaseExpiresAt: leaseUntil })
    .where(and(eq(scheduledJobs.name, name), eq(scheduledJobs.leaseOwner, owner)))
    .returning({ name: scheduledJobs.name });
  return rows.length === 1;
}

export async function saveCheckpoint(db: Db, name: string, owner: string, checkpoint: unknown): Promise<boolean> {
  const rows = await db
    .update(scheduledJobs)
    .set({ checkpoint })
    .where(and(eq(scheduledJobs.name, name), eq(scheduledJobs.leaseOwner, owner)))
    .returning({ name: scheduledJobs.name });
  return rows.length === 1;
}

/** Records a successful run and frees the job; the checkpoint is cleared (the run finished). */
export async function finishJob(db: Db, name: string, owner: string, at: Date, nextRunAt: Date, result: unknown): Promise<void> {
  const j = scheduledJobs;
  await db
    .update(j)
    .set({
      leaseOwner: null,
      leaseExpiresAt: null,
      checkpoint: null,
      nextRunAt,
      lastFinishedAt: at,
      lastOutcome: 'ok',
      lastError: null,
      lastResult: result ?? null,
      consecutiveFailures: 0,
      runs: sql`${j.runs} + 1`,
    })
    .where(and(eq(j.name, name), eq(j.leaseOwner, owner)));
}

/** Records a failed run and frees the job, keeping its checkpoint for the retry. */
export async function failJob(db: Db, name: string, owner: string, at: Date, nextRunAt: Date, error: string): Promise<void> {
  const j = scheduledJobs;
  await db
    .update(j)
    .set({
      leaseOwner: null,
      leaseExpiresAt: null,
      nextRunAt,
      lastFinishedAt: at,
      lastOutcome: 'failed',
      lastError: error,
      consecutiveFailures: sql`${j.consecutiveFailures} + 1`,
      failures: sql`${j.failures} + 1`,
    })
    .where(and(eq(j.name, name), eq(j.leaseOwner, owner)));
}
