import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mean, quantile } from '@conductor/schema/contracts/latency-histogram';
import type { Db } from '../db/client.ts';
import { insertOperation } from '../cache/safelist/queries.ts';
import { ingestBatch } from '../metrics/service.ts';
import { batch, histogramOf, OP_A, OP_B, series } from '../metrics/testing.ts';
import { openTestDatabase } from '../testing/database.ts';
import { appliedReceipts, invalidationsByTenant } from './purges.ts';
import { ALL_TENANTS, onlyTenants } from './scope.ts';
import { latencyBuckets, latencySeries, opIdsNamed, requestsByStatus, trafficSeries } from './traffic.ts';

// The read side against a real (PGlite or PostgreSQL) database, written the way the edge writes it.
let db: Db;
let close: () => Promise<void>;

const T0 = Date.parse('2026-11-26T10:00:00Z');
const minute = (k: number) => T0 + k * 60_000;
const window = (fromMinute: number, toMinute: number) => ({ from: new Date(minute(fromMinute)), to: new Date(minute(toMinute)) });

const acmeHitMs = [1, 2, 3];
const acmeMissMs = [40, 60];
const acmeMissOriginMs = [35, 55];

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  const now = minute(30);
  await ingestBatch(
    db,
    batch({
      series: [
        series({ minute: minute(0), status: 'HIT', totalMs: acmeHitMs, bytes: 300 }),
        series({ minute: minute(0), status: 'MISS', totalMs: acmeMissMs, originMs: acmeMissOriginMs, bytes: 200 }),
        series({ minute: minute(1), status: 'STALE', totalMs: [4] }),
        series({ minute: minute(1), status: 'COALESCED', totalMs: [30] }),
        series({ minute: minute(1), status: 'BYPASS', totalMs: [50], originMs: [45] }),
        series({ minute: minute(6), status: 'HIT', totalMs: [2, 2] }),
        series({ minute: minute(0), opId: OP_B, opName: 'ListEntities', status: 'HIT', totalMs: [1] }),
        series({ minute: minute(0), tenant: 'globex', status: 'MISS', totalMs: [900], originMs: [890] }),
      ],
      purges: [
        { purgeId: 'p-1', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date(minute(2)).toISOString() },
        { purgeId: 'p-2', tenant: 'acme', tags: ['*'], duplicate: true, appliedAt: new Date(minute(2) + 1000).toISOString() },
        { purgeId: 'p-3', tenant: 'globex', tags: [`op:${OP_A}`], duplicate: false, appliedAt: new Date(minute(3)).toISOString() },
      ],
    }),
    now,
  );
});
afterAll(() => close());

describe('requestsByStatus', () => {
  it('sums per tenant, operation and status inside [from, to)', async () => {
    const rows = await requestsByStatus(db, { scope: onlyTenants(['acme']), window: window(0, 6), opIds: [OP_A] });
    expect(rows.map((r) => [r.status, r.requests, r.bytes])).toEqual([
      ['BYPASS', 1, 100],
      ['COALESCED', 1, 100],
      ['HIT', 3, 300],
      ['MISS', 2, 200],
      ['STALE', 1, 100],
    ]);
    expect(rows.find((r) => r.status === 'MISS')!.totalSumMs).toBe(100);
    // Minute 6 is outside [0, 6); widening the window brings its two HITs in.
    const wider = await requestsByStatus(db, { scope: onlyTenants(['acme']), window: window(0, 7), opIds: [OP_A] });
    expect(wider.find((r) => r.status === 'HIT')!.requests).toBe(5);
  });

  it('reads every tenant, the listed ones, or nothing', async () => {
    const tenantsOf = async (scope: Parameters<typeof requestsByStatus>[1]['scope']) =>
      [...new Set((await requestsByStatus(db, { scope, window: window(0, 10) })).map((r) => r.tenantId))];
    expect(await tenantsOf(ALL_TENANTS)).toEqual(['acme', 'globex']);
    expect(await tenantsOf(onlyTenants(['globex']))).toEqual(['globex']);
    expect(await tenantsOf(onlyTenants([]))).toEqual([]);
    expect(await requestsByStatus(db, { scope: ALL_TENANTS, window: window(0, 10), opIds: [] })).toEqual([]);
  });
});

describe('trafficSeries', () => {
  it('answers requests, edge-served requests, origin fetches and bytes per tenant × operation × step', async () => {
    const perMinute = await trafficSeries(db, { scope: onlyTenants(['acme']), window: window(0, 10), opIds: [OP_A] }, 1);
    expect(perMinute.map((p) => ({ at: p.at.toISOString(), requests: p.requests, edgeServed: p.edgeServed, originFetches: p.originFetches, bytes: p.bytes }))).toEqual([
      { at: '2026-11-26T10:00:00.000Z', requests: 5, edgeServed: 3, originFetches: 2, bytes: 500 },
      // STALE and COALESCED are served by the edge, BYPASS is not.
      { at: '2026-11-26T10:01:00.000Z', requests: 3, edgeServed: 2, originFetches: 1, bytes: 300 },
      { at: '2026-11-26T10:06:00.000Z', requests: 2, edgeServed: 2, originFetches: 0, bytes: 200 },
    ]);
    const fiveMinutes = await trafficSeries(db, { scope: onlyTenants(['acme']), window: window(0, 10), opIds: [OP_A] }, 5);
    expect(fiveMinutes.map((p) => [p.at.toISOString(), p.requests, p.edgeServed])).toEqual([
      ['2026-11-26T10:00:00.000Z', 8, 5],
      ['2026-11-26T10:05:00.000Z', 2, 2],
    ]);
    expect(perMinute.every((p) => p.opName === 'GetEntity')).toBe(true);
  });
});

describe('latencySeries', () => {
  it('answers one mergeable histogram per step, with exact sums', async () => {
    const [first, ...rest] = await latencySeries(db, { scope: onlyTenants(['acme']), window: window(0, 5), opIds: [OP_A] }, 5, 'total');
    expect(rest).toEqual([]);
    const samples = [...acmeHitMs, ...acmeMissMs, 4, 30, 50];
    expect(first!.at.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(first!.histogram.count).toBe(samples.length);
    expect(first!.histogram.buckets).toEqual(histogramOf(samples).buckets);
    expect(first!.histogram.sumMs).toBe(samples.reduce((a, b) => a + b, 0));
    expect(mean(first!.histogram)).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 12);
    expect(quantile(first!.histogram, 0.95)).toBe(quantile(histogramOf(samples), 0.95));

    const origin = await latencySeries(db, { scope: onlyTenants(['acme']), window: window(0, 5), opIds: [OP_A] }, 1, 'origin');
    expect(origin.map((p) => [p.at.toISOString(), p.histogram.count, p.histogram.sumMs])).toEqual([
      ['2026-11-26T10:00:00.000Z', 2, 90],
      ['2026-11-26T10:01:00.000Z', 1, 45],
    ]);
  });

  it('agrees with the merged buckets of the whole window', async () => {
    const buckets = await latencyBuckets(db, { scope: ALL_TENANTS, window: window(0, 10), series: 'origin' });
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(new Set(buckets.map((b) => b.series))).toEqual(new Set(['origin']));
  });
});

describe('opIdsNamed', () => {
  it('passes ids through and resolves a name to every id seen in the window or safelisted', async () => {
    expect(await opIdsNamed(db, OP_B)).toEqual([OP_B]);
    expect(await opIdsNamed(db, 'GetEntity', window(0, 10))).toEqual([OP_A]);
    expect(await opIdsNamed(db, 'GetEntity', window(20, 30))).toEqual([]);
    const safelisted = `sha256:${'c'.repeat(64)}`;
    await insertOperation(db, { id: safelisted, name: 'GetEntity', document: 'query GetEntity { x }', operationType: 'query', ttlSeconds: 60, scope: 'tenant', variables: [] });
    expect(await opIdsNamed(db, 'GetEntity', window(20, 30))).toEqual([safelisted]);
    expect(await opIdsNamed(db, 'GetEntity')).toEqual([OP_A, safelisted].sort());
  });
});

describe('purge receipts', () => {
  it('leaves duplicates out of applied invalidations, and counts them apart per tenant', async () => {
    expect((await appliedReceipts(db, ALL_TENANTS, window(0, 10))).map((r) => r.tenantId)).toEqual(['acme', 'globex']);
    expect(await appliedReceipts(db, onlyTenants(['globex']), window(0, 10))).toEqual([{ tenantId: 'globex', tags: [`op:${OP_A}`], appliedAt: new Date(minute(3)) }]);
    expect(await invalidationsByTenant(db, onlyTenants(['acme']), window(0, 10), 10)).toEqual([{ tenantId: 'acme', at: new Date(minute(0)), purges: 1, duplicates: 1 }]);
  });
});
