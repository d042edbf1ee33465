import type { Db } from '../db/client.ts';
import type { Job, RunOutcome } from './job.ts';
import { runDueJobs, runJob, type RunOptions } from './runner.ts';

/** Node's side of the scheduler: a timer in the control plane process (Workers use Cron Triggers instead, worker.ts). */
export interface Scheduler {
  /** Runs the due jobs now (what every tick does); waits for a tick already in progress first. */
  tick(now?: Date): Promise<RunOutcome[]>;
  /** Runs one registered job now, due or not (its lease still applies). */
  runNow(name: string, now?: Date): Promise<RunOutcome>;
  /** Stops ticking and waits for the run in progress, so the database can close under nothing. */
  stop(): Promise<void>;
}

/**
 * Ticks at once and then every `tickMs`. Ticks never overlap in the process (a slow one makes the
 * next wait); across processes the jobs' leases keep a job from overlapping itself. A tick that
 * fails (database unreachable) is logged and the next one tries again.
 */
export function startScheduler(db: Db, jobs: readonly Job[], opts: { tickMs: number } & RunOptions): Scheduler {
  const log = opts.log ?? ((line: string) => console.error(line));
  let chain: Promise<unknown> = Promise.resolve();
  let stopped = false;
  // One queue for ticks and run-now calls: they share the process's one database handle.
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => {});
    return next;
  };
  const tick = (now?: Date) => enqueue(() => runDueJobs(db, jobs, now ?? new Date(), opts));
  const timerTick = () => {
    if (stopped) return;
    tick().catch((err: unknown) => log(`[scheduler] tick failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  timerTick();
  const timer = setInterval(timerTick, opts.tickMs);
  timer.unref();
  return {
    tick,
    runNow: (name, now) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`no job named ${name}; registered: ${jobs.map((j) => j.name).join(', ')}`));
      return enqueue(() => runJob(db, job, now ?? new Date(), { ...opts, ignoreSchedule: true }));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
