import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeMetricMinutes } from '@conductor/schema/metrics';
import { NodeEnvSchema, parseConfig, ServerConfigSchema } from '../config.ts';
import { startTestApp, type TestApp } from '../testing/app.ts';
import { startMetricsPruner } from './retention.ts';
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

describe('startMetricsPruner', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('prunes at start, and stop() waits for a prune in flight', async () => {
    const old = minutesAgo(2 * 24 * 60 + 10);
    const recent = minutesAgo(10);
    await ingest(t, batch({ series: [series({ minute: old, status: 'HIT', totalMs: [1] }), series({ minute: recent, status: 'HIT', totalMs: [1] })] }));
    const stop = startMetricsPruner(t.db, 2, 3_600_000);
    await stop();
    expect((await t.db.select().from(edgeMetricMinutes)).map((r) => r.minute)).toEqual([new Date(recent)]);
  });
});
