import type { Db } from '../db/client.ts';
import type { Job, RunOutcome } from './job.ts';
import { claimJob, failJob, finishJob, getJob, registerJobs, renewLease, saveCheckpoint } from './queries.ts';
import { leaseMsOf, nextSlot, retryAt } from './schedule.ts';

/*
 * Runs registered jobs: the one entry point both runtimes call (worker.ts `scheduled`, timer.ts on
 * Node). Jobs run one after another; each is claimed through its `scheduled_jobs` row first, so
 * two runners (two Node processes, overlapping Cron invocations) never run the same job at once.
 */

export interface RunOptions {
  /** Run even if not due (an operator's or a test's "run now"); a held lease still wins. */
  ignoreSchedule?: boolean;
  /** Wall clock for lease renewal; the run's `now` stays the scheduled instant. */
  clock?: () => number;
  log?: (line: string) => void;
}

const defaultLog = (line: string) => console.error(line);

/** Runs every job of `jobs` that is due at `now`, in order. */
export async function runDueJobs(db: Db, jobs: readonly Job[], now: Date, options: RunOptions = {}): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const job of jobs) outcomes.push(await runJob(db, job, now, options));
  return outcomes;
}

/** Claims and runs one job; a job that throws is recorded as failed and retried with backoff. */
export async function runJob(db: Db, job: Job, now: Date, options: RunOptions = {}): Promise<RunOutcome> {
  const log = options.log ?? defaultLog;
  const clock = options.clock ?? Date.now;
  const owner = crypto.randomUUID();
  const leaseMs = leaseMsOf(job);
  await registerJobs(db, [job.name], now);
  const claimed = await claimJob(db, job.name, owner, now, new Date(now.getTime() + leaseMs), options.ignoreSchedule);
  if (!claimed) {
    const row = await getJob(db, job.name);
    const leased = row?.leaseExpiresAt != null && row.leaseExpiresAt > now;
    return { name: job.name, outcome: 'skipped', reason: leased ? 'leased' : 'not-due' };
  }

  // The lease is renewed while the run is alive, measured from the wall clock since the claim, so
  // only a runner that died stops renewing and lets another take over.
  const startedAt = clock();
  const leaseNow = () => new Date(now.getTime() + (clock() - startedAt));
  let lost = false;
  const heartbeat = setInterval(() => {
    renewLease(db, job.name, owner, new Date(leaseNow().getTime() + leaseMs)).then(
      (held) => (lost ||= !held),
      (err: unknown) => log(`[scheduler] ${job.name}: lease renewal failed: ${String(err)}`),
    );
  }, Math.max(1_000, Math.floor(leaseMs / 3)));
  (heartbeat as { unref?: () => void }).unref?.();

  try {
    const result = await job.run({
      db,
      now,
      checkpoint: claimed.checkpoint ?? null,
      saveCheckpoint: async (value) => {
        if (lost || !(await saveCheckpoint(db, job.name, owner, value))) throw new Error(`${job.name}: lease lost; another runner has the job`);
      },
    });
    clearInterval(heartbeat);
    await finishJob(db, job.name, owner, leaseNow(), nextSlot(now, job.everyMs), toJson(result));
    return { name: job.name, outcome: 'ok', result };
  } catch (err) {
    clearInterval(heartbeat);
    const error = err instanceof Error ? err.message : String(err);
    const retry = retryAt(now, job.everyMs, claimed.consecutiveFailures + 1);
    log(`[scheduler] ${job.name} failed (retry at ${retry.toISOString()}): ${err instanceof Error ? (err.stack ?? error) : error}`);
    await failJob(db, job.name, owner, leaseNow(), retry, error);
    return { name: job.name, outcome: 'failed', error, retryAt: retry };
  }
}

// `lastResult` is jsonb: keep what JSON can carry (dates become strings).
function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
