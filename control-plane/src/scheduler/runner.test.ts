import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduledJobs } from '@conductor/schema/jobs';
import type { Db } from '../db/client.ts';
import { openTestDatabase } from '../testing/database.ts';
import type { Job, JobContext } from './job.ts';
import { claimJob } from './queries.ts';
import { runDueJobs, runJob } from './runner.ts';
import { startScheduler } from './timer.ts';

// The scheduler on Node against a real database: what runs when, failures and retries, leases.
let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
});
afterAll(() => close());
beforeEach(async () => {
  await db.delete(scheduledJobs);
});

const T0 = new Date('2026-11-26T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const quiet = { log: () => {} };
const rowOf = async (name: string) => (await db.select().from(scheduledJobs).where(eq(scheduledJobs.name, name)))[0]!;

/** A job that records each run's `now` and does what `behaviour` says. */
function recording(name: string, everyMs: number, behaviour: (ctx: JobContext, n: number) => Promise<unknown> = async () => ({ ok: true })) {
  const runs: Date[] = [];
  const job: Job = { name, everyMs, run: (ctx) => (runs.push(ctx.now), behaviour(ctx, runs.length)) };
  return { job, runs };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('runDueJobs', () => {
  it('runs each job when due, once per slot, and records the result', async () => {
    const minutely = recording('test.minutely', 60_000);
    const hourly = recording('test.hourly', 3_600_000, async () => ({ deleted: 3 }));
    const jobs = [minutely.job, hourly.job];

    expect((await runDueJobs(db, jobs, at(0), quiet)).map((o) => o.outcome)).toEqual(['ok', 'ok']);
    expect((await runDueJobs(db, jobs, at(30), quiet)).map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect((await runDueJobs(db, jobs, at(60), quiet)).map((o) => o.outcome)).toEqual(['ok', 'skipped']);
    expect(minutely.runs).toEqual([at(0), at(60)]);
    expect(hourly.runs).toEqual([at(0)]);
    expect(await rowOf('test.hourly')).toMatchObject({ runs: 1, lastOutcome: 'ok', lastResult: { deleted: 3 }, nextRunAt: at(3600), leaseOwner: null, leaseExpiresAt: null });
    expect(await rowOf('test.minutely')).toMatchObject({ runs: 2, nextRunAt: at(120) });
  });

  it('records a job that throws and retries it later with backoff, until it succeeds', async () => {
    const flaky = recording('test.flaky', 3_600_000, async (_ctx, n) => {
      if (n <= 2) throw new Error(`boom ${n}`);
      return { fine: true };
    });
    const first = await runJob(db, flaky.job, at(0), quiet);
    expect(first).toMatchObject({ outcome: 'failed', error: 'boom 1', retryAt: at(60) });
    expect(await rowOf('test.flaky')).toMatchObject({ lastOutcome: 'failed', lastError: 'boom 1', consecutiveFailures: 1, failures: 1, runs: 0, nextRunAt: at(60), leaseOwner: null });

    expect((await runJob(db, flaky.job, at(59), quiet)).outcome).toBe('skipped');
    expect(await runJob(db, flaky.job, at(60), quiet)).toMatchObject({ outcome: 'failed', error: 'boom 2', retryAt: at(180) });
    expect((await runJob(db, flaky.job, at(179), quiet)).outcome).toBe('skipped');
    expect((await runJob(db, flaky.job, at(180), quiet)).outcome).toBe('ok');
    expect(await rowOf('test.flaky')).toMatchObject({ lastOutcome: 'ok', lastError: null, consecutiveFailures: 0, failures: 2, runs: 1, nextRunAt: at(3600) });
    expect(flaky.runs).toEqual([at(0), at(60), at(180)]);
  });

  it('never overlaps a slow job with itself: a second runner finds it leased', async () => {
    const { opened, open } = gate();
    const slow = recording('test.slow', 60_000, async () => {
      await opened;
      return null;
    });
    const running = runJob(db, slow.job, at(0), quiet);
    // Another runner (another process, or an overlapping Cron invocation) at the same and a later slot.
    await expect.poll(async () => (await rowOf('test.slow')).leaseOwner).not.toBeNull();
    expect(await runJob(db, slow.job, at(0), quiet)).toEqual({ name: 'test.slow', outcome: 'skipped', reason: 'leased' });
    // Even "run now" waits for the lease (a minute, renewed while the run is alive).
    expect(await runJob(db, slow.job, at(30), { ...quiet, ignoreSchedule: true })).toMatchObject({ outcome: 'skipped', reason: 'leased' });
    open();
    expect((await running).outcome).toBe('ok');
    expect(slow.runs).toEqual([at(0)]);
    expect((await runJob(db, slow.job, at(90), quiet)).outcome).toBe('ok');
  });

  it('renews the lease while a slow run is alive, so only a dead runner loses it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let wall = 0;
      const { opened, open } = gate();
      const job: Job = { name: 'test.renewed', everyMs: 60_000, leaseMs: 3_000, run: () => opened };
      const running = runJob(db, job, at(0), { ...quiet, clock: () => wall });
      await expect.poll(async () => (await rowOf('test.renewed'))?.leaseExpiresAt?.getTime()).toBe(at(3).getTime());
      // Ten seconds into the run, the heartbeat (every leaseMs / 3, at least 1 s) has moved the lease on.
      wall = 10_000;
      vi.advanceTimersByTime(1_000);
      await expect.poll(async () => (await rowOf('test.renewed')).leaseExpiresAt?.getTime()).toBe(at(13).getTime());
      expect(await runJob(db, job, at(5), { ...quiet, ignoreSchedule: true })).toMatchObject({ outcome: 'skipped', reason: 'leased' });
      open();
      expect((await running).outcome).toBe('ok');
      expect(await rowOf('test.renewed')).toMatchObject({ leaseOwner: null, lastFinishedAt: at(10) });
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes over the job of a runner that died once its lease expires, and resumes from its checkpoint', async () => {
    const resumed: unknown[] = [];
    const job: Job = {
      name: 'test.resumable',
      everyMs: 3_600_000,
      leaseMs: 120_000,
      async run(ctx) {
        resumed.push(ctx.checkpoint);
        const done = ((ctx.checkpoint as { done?: number } | null)?.done ?? 0) + 1;
        await ctx.saveCheckpoint({ done });
        return { done };
      },
    };
    // A runner claims the job, saves progress, and dies without finishing.
    await db.insert(scheduledJobs).values({ name: job.name, nextRunAt: at(0) });
    expect(await claimJob(db, job.name, 'dead-runner', at(0), at(120))).toBeDefined();
    await db.update(scheduledJobs).set({ checkpoint: { done: 4 } }).where(eq(scheduledJobs.name, job.name));

    expect(await runJob(db, job, at(119), quiet)).toMatchObject({ outcome: 'skipped', reason: 'leased' });
    expect(await runJob(db, job, at(120), quiet)).toMatchObject({ outcome: 'ok', result: { done: 5 } });
    expect(resumed).toEqual([{ done: 4 }]);
    // A finished run clears the checkpoint: the next run starts afresh.
    expect(await rowOf(job.name)).toMatchObject({ checkpoint: null, runs: 1, leaseOwner: null });
  });

  it('keeps a failed run’s checkpoint for the retry', async () => {
    const seen: unknown[] = [];
    const job: Job = {
      name: 'test.checkpointed',
      everyMs: 3_600_000,
      async run(ctx) {
        seen.push(ctx.checkpoint);
        if (ctx.checkpoint === null) {
          await ctx.saveCheckpoint({ step: 1 });
          throw new Error('crashed after step 1');
        }
        return ctx.checkpoint;
      },
    };
    expect((await runJob(db, job, at(0), quiet)).outcome).toBe('failed');
    expect(await runJob(db, job, at(60), quiet)).toMatchObject({ outcome: 'ok', result: { step: 1 } });
    expect(seen).toEqual([null, { step: 1 }]);
  });
});

describe('startScheduler (the Node timer)', () => {
  it('runs the registered jobs at start, and again when due; ticks never overlap; stop() waits for the run in flight', async () => {
    const { opened, open } = gate();
    let calls = 0;
    const job: Job = {
      name: 'test.timer',
      // Hourly, so the real clock cannot cross into the next slot between the ticks below.
      everyMs: 3_600_000,
      async run() {
        calls += 1;
        await opened;
        return { calls };
      },
    };
    const scheduler = startScheduler(db, [job], { tickMs: 3_600_000, ...quiet });
    await expect.poll(() => calls).toBe(1);
    // Ticks queued behind the slow one run after it, and find the job not due.
    const queued = [scheduler.tick(), scheduler.tick()];
    open();
    expect((await Promise.all(queued)).flat().map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect(calls).toBe(1);
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect((await scheduler.tick(later)).map((o) => o.outcome)).toEqual(['ok']);
    expect(await scheduler.runNow('test.timer', later)).toMatchObject({ outcome: 'ok' });
    await expect(scheduler.runNow('test.unknown')).rejects.toThrow(/no job named test.unknown/);
    await scheduler.stop();
    expect(await rowOf('test.timer')).toMatchObject({ runs: 3, leaseOwner: null });
  });

  it('records a job that throws on a tick and retries it on a later one', async () => {
    let fail = true;
    const job: Job = {
      name: 'test.timer-flaky',
      everyMs: 60_000,
      async run() {
        if (fail) throw new Error('database hiccup');
        return null;
      },
    };
    const logged: string[] = [];
    const scheduler = startScheduler(db, [job], { tickMs: 3_600_000, log: (line) => logged.push(line) });
    await expect.poll(async () => (await rowOf('test.timer-flaky'))?.lastOutcome).toBe('failed');
    expect(logged.join('\n')).toContain('test.timer-flaky failed');
    fail = false;
    const row = await rowOf('test.timer-flaky');
    expect((await scheduler.tick(new Date(row.nextRunAt.getTime() - 1))).map((o) => o.outcome)).toEqual(['skipped']);
    expect((await scheduler.tick(row.nextRunAt)).map((o) => o.outcome)).toEqual(['ok']);
    await scheduler.stop();
    expect(await rowOf('test.timer-flaky')).toMatchObject({ lastOutcome: 'ok', failures: 1, runs: 1 });
  });
});
