import type { Db } from '../db/client.ts';

/*
 * What a background job is (docs/adr/0010). A job is registered once (registry.ts) and run by
 * whichever runtime ticks: the Worker's Cron Trigger or the Node timer. Runs must be idempotent —
 * a run may be repeated after a crash, or after its lease expired — and any progress worth
 * keeping across a crash goes through `checkpoint`, which is stored in Postgres.
 */

export interface JobContext {
  db: Db;
  /** The scheduled instant of this run (the Cron Trigger's time, or the Node tick's): use it, not the wall clock, for anything the run decides. */
  now: Date;
  /** What an earlier, unfinished run of the job saved; null when the last run finished. */
  checkpoint: unknown;
  /** Saves progress; a run that crashes after this resumes from it. Throws if the lease was lost. */
  saveCheckpoint(value: unknown): Promise<void>;
}

export interface Job {
  /** Unique, stable: the key of the job's row in `scheduled_jobs`. */
  name: string;
  /** Runs at most once per interval, at interval boundaries (every 60 000 ms: on each whole minute). */
  everyMs: number;
  /**
   * How long a claim holds before another runner may take the job over, renewed while the run is
   * alive (default: the interval, at least a minute). Only a dead runner's lease ever expires.
   */
  leaseMs?: number;
  /** The run; what it returns (JSON) is kept as the job's `lastResult`. Throwing records a failure and retries later. */
  run(ctx: JobContext): Promise<unknown>;
}

/** What one attempt to run a job came to. */
export type RunOutcome =
  | { name: string; outcome: 'ok'; result: unknown }
  | { name: string; outcome: 'failed'; error: string; retryAt: Date }
  /** Not due yet, or another runner holds it. */
  | { name: string; outcome: 'skipped'; reason: 'not-due' | 'leased' };
