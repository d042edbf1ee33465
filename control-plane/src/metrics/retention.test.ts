import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeMetricMinutes } from '@conductor/schema/metrics';
import { NodeEnvSchema, parseConfig, ServerConfigSchema } from '../config.ts';
import { startTestApp, type TestApp } from '../testing/app.ts';
import { metricsRetentionJob } from './retention.ts';
import { batch, ingest, minutesAgo, series } from './testing.ts';

describe('METRICS_RETENTION_DAYS', () => {
  it('defaults to 14 days and takes whole days from 1 to 366', () => {
    expect(parseConfig(NodeEnvSchema, {}, 'environment').METRICS_RETENTION_DAYS).toBe(14);
    expect(parseConfig(NodeEnvSchema, { METRICS_RETENTION_DAYS: '30' }, 'environment').METRICS_RETENTION_DAYS).toBe(30);
    expect(parseConfig(ServerConfigSchema, { dataDir: '/tmp/x' }, 'options').metricsRetentionDays).toBe(14);
  });

  it.each(['0', '367', '1.5', 'two weeks'])('refuses %s with a message naming the variable', (value) => {
    expect(() => parseConfig(NodeEnvSchema, { METRICS_RETENTION_DAYS: value }, 'environment')).toThrow(/METRICS_RETENTION_DAYS/);
  });
});

describe('SCHEDULER_TICK_MS', () => {
  it('defaults to 15 s and refuses what is not a sane interval', () => {
    expect(parseConfig(NodeEnvSchema, {}, 'environment').SCHEDULER_TICK_MS).toBe(15_000);
    expect(parseConfig(NodeEnvSchema, { SCHEDULER_TICK_MS: '1000' }, 'environment').SCHEDULER_TICK_MS).toBe(1_000);
    expect(() => parseConfig(NodeEnvSchema, { SCHEDULER_TICK_MS: '10' }, 'environment')).toThrow(/SCHEDULER_TICK_MS/);
  });
});

describe('metricsRetentionJob', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('prunes what is older than the retention, and a run that stopped part-way resumes with its cutoff', async () => {
    const now = new Date();
    const old = minutesAgo(2 * 24 * 60 + 10, now.getTime());
    const recent = minutesAgo(10, now.getTime());
    await ingest(t, batch({ series: [series({ minute: old, status: 'HIT', totalMs: [1] }), series({ minute: recent, status: 'HIT', totalMs: [1] })] }));
    const job = metricsRetentionJob(2);
    expect(job).toMatchObject({ name: 'metrics.retention', everyMs: 3_600_000 });

    // A checkpoint of an earlier run that had done the latency buckets with an older cutoff: the
    // minutes are pruned with that cutoff, which is before `old`, so nothing goes yet.
    const saved: unknown[] = [];
    const ctx = (checkpoint: unknown) => ({ db: t.db, now, checkpoint, saveCheckpoint: async (v: unknown) => void saved.push(v) });
    const earlier = new Date(old - 60_000).toISOString();
    const resumed = (await job.run(ctx({ cutoff: earlier, counts: { buckets: 0 } }))) as { cutoff: string; deleted: Record<string, number> };
    expect(resumed.cutoff).toBe(earlier);
    expect(resumed.deleted).toMatchObject({ buckets: 0, minutes: 0 });
    expect(saved[0]).toEqual({ cutoff: earlier, counts: { buckets: 0, minutes: 0 } });

    // A fresh run uses now − 2 days.
    const fresh = (await job.run(ctx(null))) as { cutoff: string; deleted: Record<string, number> };
    expect(fresh.cutoff).toBe(new Date(now.getTime() - 2 * 86_400_000).toISOString());
    expect(fresh.deleted).toMatchObject({ minutes: 1, buckets: 1 });
    expect((await t.db.select().from(edgeMetricMinutes)).map((r) => r.minute)).toEqual([new Date(recent)]);
  });
});
