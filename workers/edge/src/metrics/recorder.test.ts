import { describe, expect, it } from 'vitest';
import { bucketIndex } from '@conductor/schema/contracts/latency-histogram';
import { MetricsRecorder, type RequestObservation } from './recorder.ts';

const MINUTE = 1_700_000_040_000; // a multiple of 60 000
const T0 = MINUTE + 40_000;
const OP = `sha256:${'a'.repeat(64)}`;
const obs = (o: Partial<RequestObservation>): RequestObservation => ({
  at: T0,
  tenant: 'acme',
  opId: OP,
  opName: 'EntityById',
  status: 'HIT',
  totalMs: 2,
  originMs: null,
  bytes: 100,
  ...o,
});
const ids = (...list: string[]) => {
  const queue = [...list];
  return () => queue.shift()!;
};

describe('MetricsRecorder aggregation', () => {
  it('one series per (minute, tenant, op, status): counts, bytes, latency buckets, origin only when asked', () => {
    const r = new MetricsRecorder();
    r.record(obs({ totalMs: 1 }));
    r.record(obs({ totalMs: 3, bytes: 50 }));
    r.record(obs({ status: 'MISS', totalMs: 40, originMs: 35, bytes: 120 }));
    r.record(obs({ status: 'MISS', totalMs: 42, originMs: 38, bytes: 120 }));
    r.record(obs({ tenant: 'globex' }));
    r.record(obs({ at: MINUTE + 60_000 })); // the next minute
    const batch = r.beginFlush(T0, ids('b1'))!;
    const byKey = Object.fromEntries(batch.series.map((s) => [`${s.minute}/${s.tenant}/${s.status}`, s]));
    expect(Object.keys(byKey).sort()).toEqual(
      [`${MINUTE}/acme/HIT`, `${MINUTE}/acme/MISS`, `${MINUTE}/globex/HIT`, `${MINUTE + 60_000}/acme/HIT`].sort(),
    );
    const hit = byKey[`${MINUTE}/acme/HIT`]!;
    expect(hit).toMatchObject({ opId: OP, opName: 'EntityById', bytes: 150, origin: null });
    expect(hit.total).toEqual({ count: 2, sumMs: 4, buckets: { [bucketIndex(1)]: 1, [bucketIndex(3)]: 1 } });
    const miss = byKey[`${MINUTE}/acme/MISS`]!;
    expect(miss.total.count).toBe(2);
    expect(miss.origin).toEqual({ count: 2, sumMs: 73, buckets: { [bucketIndex(35)]: 1, [bucketIndex(38)]: 1 } });
    expect(miss.bytes).toBe(240);
  });

  it('bounded: past maxSeries the oldest series goes and is counted; acks likewise; ack tags capped at 1000', () => {
    const r = new MetricsRecorder({ maxSeries: 2, maxPurges: 1, flushAtSeries: 100 });
    r.record(obs({ tenant: 't1' }));
    r.record(obs({ tenant: 't2' }));
    r.record(obs({ tenant: 't3' }));
    const ack = { purgeId: 'p1', tenant: 't1', tags: ['*'], duplicate: false, appliedAt: 'x' };
    r.purge(ack);
    r.purge({ ...ack, purgeId: 'p2', tags: Array.from({ length: 1_200 }, (_, i) => `op:${i}`) });
    expect(r.dropped).toBe(2);
    const batch = r.beginFlush(T0, ids('b1'))!;
    expect(batch.series.map((s) => s.tenant)).toEqual(['t2', 't3']);
    expect(batch.purges.map((p) => [p.purgeId, p.tags.length])).toEqual([['p2', 1_000]]);
  });
});

describe('MetricsRecorder flushing', () => {
  it('is due at most once per interval, sooner when the buffer is large unless the last send failed', () => {
    const r = new MetricsRecorder({ maxSeries: 100, maxPurges: 100, flushAtSeries: 3 });
    expect(r.flushDue(T0, 10_000)).toBe(false); // nothing to send
    r.record(obs({}));
    expect(r.flushDue(T0, 10_000)).toBe(true);
    const b = r.beginFlush(T0, ids('b1'))!;
    expect(r.flushDue(T0 + 60_000, 10_000)).toBe(false); // one flush at a time
    r.endFlush(b.batchId, 'accepted');
    r.record(obs({ tenant: 't1' }));
    expect(r.flushDue(T0 + 9_999, 10_000)).toBe(false);
    expect(r.flushDue(T0 + 10_000, 10_000)).toBe(true);
    r.record(obs({ tenant: 't2' }));
    r.record(obs({ tenant: 't3' }));
    expect(r.flushDue(T0 + 1, 10_000)).toBe(true); // large buffer
    const big = r.beginFlush(T0 + 1, ids('b2'))!;
    r.endFlush(big.batchId, 'failed');
    expect(r.flushDue(T0 + 2, 10_000)).toBe(false); // failed: wait the interval
    expect(r.flushDue(T0 + 10_001, 10_000)).toBe(true);
  });

  it('keeps one delayed flush pending for data that arrived between flushes', () => {
    const r = new MetricsRecorder();
    expect(r.scheduleFlush(T0, 10_000)).toBeNull(); // nothing buffered
    r.record(obs({}));
    r.endFlush(r.beginFlush(T0, ids('b1'))!.batchId, 'accepted');
    r.record(obs({}));
    expect(r.flushDue(T0 + 3_000, 10_000)).toBe(false);
    expect(r.scheduleFlush(T0 + 3_000, 10_000)).toBe(7_000); // at the end of the interval
    expect(r.scheduleFlush(T0 + 4_000, 10_000)).toBeNull(); // one is pending
    // Its timer fires: the flush clears the pending mark.
    r.endFlush(r.beginFlush(T0 + 10_000, ids('b2'))!.batchId, 'accepted');
    r.record(obs({}));
    expect(r.scheduleFlush(T0 + 10_500, 10_000)).toBe(9_500);
    // A pending mark whose timer was lost (its request cancelled) expires after a grace interval.
    expect(r.scheduleFlush(T0 + 20_000 + 20_000, 10_000)).toBe(0);
  });

  it('a failed batch is offered again with the same id and content; new data waits for the next batch', () => {
    const r = new MetricsRecorder();
    r.record(obs({}));
    r.purgeFailure('acme');
    const first = r.beginFlush(T0, ids('b1', 'b2'))!;
    r.endFlush(first.batchId, 'failed');
    r.record(obs({ status: 'MISS', originMs: 5 }));
    const again = r.beginFlush(T0 + 10_000, ids('b3'))!;
    expect(again).toEqual(first);
    expect(again.purgeFailures).toEqual([{ tenant: 'acme', count: 1 }]);
    r.endFlush(again.batchId, 'accepted');
    const next = r.beginFlush(T0 + 20_000, ids('b4'))!;
    expect(next.batchId).toBe('b4');
    expect(next.series.map((s) => s.status)).toEqual(['MISS']);
    expect(next.purgeFailures).toEqual([]);
    r.endFlush(next.batchId, 'accepted');
    expect(r.beginFlush(T0 + 30_000, ids('b5'))).toBeNull();
  });

  it('a batch the control plane rejects as invalid is dropped, not resent forever', () => {
    const r = new MetricsRecorder();
    r.record(obs({}));
    const b = r.beginFlush(T0, ids('b1'))!;
    r.endFlush(b.batchId, 'rejected');
    expect(r.dropped).toBe(1);
    expect(r.beginFlush(T0, ids('b2'))).toBeNull();
  });
});
