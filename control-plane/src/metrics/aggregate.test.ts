import { describe, expect, it } from 'vitest';
import type { EdgeMetricsBatch } from '@conductor/schema/contracts/metrics';
import { aggregateBatch, MAX_FUTURE_SKEW_MS } from './aggregate.ts';

const NOW = Date.parse('2026-11-26T12:00:30Z');
const M = Date.parse('2026-11-26T11:59:00Z');
const OP = `sha256:${'c'.repeat(64)}`;

function base(over: Partial<EdgeMetricsBatch> = {}): EdgeMetricsBatch {
  return { batchId: '0b0e3f4c-51c8-4a6e-9a51-6a1d8f0d2b11', sentAt: '2026-11-26T12:00:10Z', series: [], purges: [], purgeFailures: [], ...over };
}

describe('aggregateBatch', () => {
  it('adds series repeating a (minute, tenant, op, status) and their buckets', () => {
    const result = aggregateBatch(
      base({
        series: [
          { minute: M, tenant: 'acme', opId: OP, opName: 'Old', status: 'MISS', bytes: 10, total: { count: 2, sumMs: 70, buckets: { '170': 1, '180': 1 } }, origin: { count: 2, sumMs: 60, buckets: { '170': 2 } } },
          { minute: M, tenant: 'acme', opId: OP, opName: 'New', status: 'MISS', bytes: 5, total: { count: 1, sumMs: 40, buckets: { '180': 1 } }, origin: null },
          { minute: M, tenant: 'acme', opId: OP, opName: 'New', status: 'HIT', bytes: 1, total: { count: 1, sumMs: 1, buckets: { '0': 1 } }, origin: null },
        ],
      }),
      NOW,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const minute = new Date(M);
    expect(result.rows.minutes).toEqual([
      { minute, tenantId: 'acme', opId: OP, status: 'HIT', opName: 'New', requests: 1, bytes: 1, totalSumMs: 1, originCount: 0, originSumMs: 0 },
      { minute, tenantId: 'acme', opId: OP, status: 'MISS', opName: 'New', requests: 3, bytes: 15, totalSumMs: 110, originCount: 2, originSumMs: 60 },
    ]);
    expect(result.rows.buckets.map((b) => [b.status, b.series, b.bucket, b.count])).toEqual([
      ['HIT', 'total', 0, 1],
      ['MISS', 'origin', 170, 2],
      ['MISS', 'total', 170, 1],
      ['MISS', 'total', 180, 2],
    ]);
  });

  it('keeps the earliest application of a purge id and files failures under the send minute', () => {
    const result = aggregateBatch(
      base({
        purges: [
          { purgeId: 'p1', tenant: 'acme', tags: ['*'], duplicate: true, appliedAt: '2026-11-26T11:59:50Z' },
          { purgeId: 'p1', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: '2026-11-26T11:59:40Z' },
        ],
        purgeFailures: [
          { tenant: 'acme', count: 2 },
          { tenant: 'acme', count: 3 },
        ],
      }),
      NOW,
    );
    if (!result.ok) throw new Error(result.issues.join());
    expect(result.rows.receipts).toEqual([{ purgeId: 'p1', tenantId: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date('2026-11-26T11:59:40Z') }]);
    expect(result.rows.failures).toEqual([{ minute: new Date('2026-11-26T12:00:00Z'), tenantId: 'acme', count: 5 }]);
  });

  it('never files failures after the control plane clock, even from a fast edge clock', () => {
    const result = aggregateBatch(base({ sentAt: '2026-11-26T12:03:00Z', purgeFailures: [{ tenant: 'acme', count: 1 }] }), NOW);
    if (!result.ok) throw new Error(result.issues.join());
    expect(result.rows.failures[0]!.minute).toEqual(new Date('2026-11-26T12:00:00Z'));
  });

  it.each([
    ['a sentAt that is not an ISO date-time', base({ sentAt: 'yesterday' }), 'sentAt'],
    ['a sentAt without a zone', base({ sentAt: '2026-11-26T12:00:10' }), 'sentAt'],
    [
      'a total count that is not the sum of its buckets',
      base({ series: [{ minute: M, tenant: 'acme', opId: OP, opName: 'X', status: 'HIT', bytes: 0, total: { count: 3, sumMs: 3, buckets: { '0': 2 } }, origin: null }] }),
      'series.0.total',
    ],
    [
      'more origin fetches than requests',
      base({
        series: [
          { minute: M, tenant: 'acme', opId: OP, opName: 'X', status: 'MISS', bytes: 0, total: { count: 1, sumMs: 3, buckets: { '0': 1 } }, origin: { count: 2, sumMs: 2, buckets: { '0': 2 } } },
        ],
      }),
      'series.0.origin',
    ],
    [
      'a minute beyond the allowed clock skew',
      base({ series: [{ minute: NOW - (NOW % 60_000) + MAX_FUTURE_SKEW_MS + 60_000, tenant: 'acme', opId: OP, opName: 'X', status: 'HIT', bytes: 0, total: { count: 0, sumMs: 0, buckets: {} }, origin: null }] }),
      'series.0.minute',
    ],
    ['an appliedAt that is not a date-time', base({ purges: [{ purgeId: 'p', tenant: 'acme', tags: [], duplicate: false, appliedAt: 'now' }] }), 'purges.0.appliedAt'],
    [
      'one purge id acknowledged for two tenants',
      base({
        purges: [
          { purgeId: 'p', tenant: 'acme', tags: [], duplicate: false, appliedAt: '2026-11-26T11:59:40Z' },
          { purgeId: 'p', tenant: 'globex', tags: [], duplicate: false, appliedAt: '2026-11-26T11:59:41Z' },
        ],
      }),
      'purges.1.tenant',
    ],
  ])('refuses %s', (_name, input, path) => {
    const result = aggregateBatch(input, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.some((issue) => issue.startsWith(`${path}:`))).toBe(true);
  });
});
