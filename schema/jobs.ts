import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per registered background job (control-plane/src/scheduler, docs/adr/0010): when it is
 * next due, who holds it, what its last run did, and the checkpoint of a run in progress. The row
 * is both the schedule and the lock: a runner claims a due job with one conditional UPDATE that
 * only succeeds when no unexpired lease is held, so a slow job never overlaps itself, on Node or
 * across Worker invocations, and a crashed run's lease simply expires.
 */
export const scheduledJobs = pgTable(
  'scheduled_jobs',
  {
    name: text().primaryKey(),
    /** The job may run at or after this instant. */
    nextRunAt: timestamp({ withTimezone: true }).notNull(),
    /** Runner holding the job (random per claim); null when free. */
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    /** Progress a run saved with `checkpoint()`: the next run resumes from it; cleared when a run succeeds. */
    checkpoint: jsonb(),
    lastStartedAt: timestamp({ withTimezone: true }),
    lastFinishedAt: timestamp({ withTimezone: true }),
    lastOutcome: text({ enum: ['ok', 'failed'] }),
    lastError: text(),
    /** What the last successful run returned (counts, an evaluation time). */
    lastResult: jsonb(),
    /** Failed runs since the last success; sets the retry backoff. */
    consecutiveFailures: integer().notNull().default(0),
    runs: integer().notNull().default(0),
    failures: integer().notNull().default(0),
  },
  (t) => [check('scheduled_jobs_last_outcome_check', sql`${t.lastOutcome} in ('ok', 'failed')`)],
);
