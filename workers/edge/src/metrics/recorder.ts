import { emptyHistogram, record } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus, EdgeMetricSeries, EdgeMetricsBatch, EdgePurgeAck } from '@conductor/schema/contracts/metrics';

/** One request, as the entry saw it once the response existed. */
export interface RequestObservation {
  /** When the request arrived, epoch ms. */
  at: number;
  tenant: string;
  opId: string;
  opName: string;
  status: CacheStatus;
  totalMs: number;
  /** Time spent waiting on the origin; null when the request did not go there. */
  originMs: number | null;
  bytes: number;
}

export interface RecorderLimits {
  /** Series kept in the buffer; past it the oldest series are dropped (and counted). */
  maxSeries: number;
  /** Purge acks kept in the buffer; same rule. */
  maxPurges: number;
  /** A buffer this large is shipped without waiting for the flush interval. */
  flushAtSeries: number;
}

export const DEFAULT_LIMITS: RecorderLimits = { maxSeries: 5_000, maxPurges: 5_000, flushAtSeries: 1_000 };

const MINUTE_MS = 60_000;
const MAX_OP_NAME = 200;
const MAX_ACK_TAGS = 1_000;

/**
 * Aggregates observations into per-(minute, tenant, opId, status) series in isolate memory and
 * hands them out as batches. Pure: the clock and the batch id come from the caller; shipping is
 * metrics/flush.ts. One batch is outstanding at a time: until the control plane accepts it, the
 * same batch (same batchId, so the control plane counts it once) is offered again, while new
 * observations keep aggregating into the buffer.
 */
export class MetricsRecorder {
  private series = new Map<string, EdgeMetricSeries>();
  private purges: EdgePurgeAck[] = [];
  private purgeFailures = new Map<string, number>();
  private outstanding: EdgeMetricsBatch | null = null;
  private flushing = false;
  private lastAttemptAt = -Infinity;
  private lastAttemptFailed = false;
  /** A delayed flush is pending until then (plus one interval of grace, should its timer be lost). */
  private scheduledAt = -Infinity;
  private droppedCount = 0;

  constructor(private readonly limits: RecorderLimits = DEFAULT_LIMITS) {}

  record(o: RequestObservation): void {
    const minute = Math.floor(o.at / MINUTE_MS) * MINUTE_MS;
    const key = `${minute}\n${o.tenant}\n${o.opId}\n${o.status}`;
    let s = this.series.get(key);
    if (!s) {
      s = { minute, tenant: o.tenant, opId: o.opId, opName: o.opName.slice(0, MAX_OP_NAME), status: o.status, bytes: 0, total: emptyHistogram(), origin: null };
      this.series.set(key, s);
      // Map order is insertion order: the first series is the oldest.
      for (const oldest of this.series.keys()) {
        if (this.series.size <= this.limits.maxSeries) break;
        this.series.delete(oldest);
        this.drop();
      }
    }
    s.bytes += o.bytes;
    record(s.total, o.totalMs);
    if (o.originMs !== null) record((s.origin ??= emptyHistogram()), o.originMs);
  }

  purge(ack: EdgePurgeAck): void {
    // The batch contract caps tags per ack; the receipt the sender got has them all.
    this.purges.push(ack.tags.length > MAX_ACK_TAGS ? { ...ack, tags: ack.tags.slice(0, MAX_ACK_TAGS) } : ack);
    if (this.purges.length > this.limits.maxPurges) {
      this.purges.shift();
      this.drop();
    }
  }

  purgeFailure(tenant: string): void {
    this.purgeFailures.set(tenant, (this.purgeFailures.get(tenant) ?? 0) + 1);
  }

  /** Series and acks dropped because the buffer was full (the control plane was unreachable for long). */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Whether a flush should start now: never while one runs; at most once per interval; sooner
   * when the buffer is large, unless the last attempt failed (then the interval spaces retries).
   */
  flushDue(now: number, intervalMs: number): boolean {
    if (this.flushing || !this.hasData()) return false;
    if (now - this.lastAttemptAt >= intervalMs) return true;
    return !this.lastAttemptFailed && this.series.size >= this.limits.flushAtSeries;
  }

  /**
   * When data is buffered but no flush is due, the caller keeps one delayed flush pending (an
   * isolate gets no timers of its own, so it rides on a request's waitUntil); otherwise the last
   * observations of a quiet isolate would wait for the next request. Answers the delay in ms when
   * the caller should schedule one now, null when one is pending or nothing needs it.
   */
  scheduleFlush(now: number, intervalMs: number): number | null {
    if (this.flushing || !this.hasData() || now < this.scheduledAt + 2 * intervalMs) return null;
    const delay = Math.max(0, this.lastAttemptAt + intervalMs - now);
    this.scheduledAt = now + delay;
    return delay;
  }

  /** Starts a flush: the outstanding batch again, or a new one drained from the buffer. */
  beginFlush(now: number, newBatchId: () => string): EdgeMetricsBatch | null {
    this.scheduledAt = -Infinity;
    if (this.flushing) return null;
    if (!this.outstanding) {
      if (!this.hasBuffered()) return null;
      this.outstanding = {
        batchId: newBatchId(),
        sentAt: new Date(now).toISOString(),
        series: [...this.series.values()],
        purges: this.purges,
        purgeFailures: [...this.purgeFailures].map(([tenant, count]) => ({ tenant, count })),
      };
      this.series = new Map();
      this.purges = [];
      this.purgeFailures = new Map();
    }
    this.flushing = true;
    this.lastAttemptAt = now;
    return this.outstanding;
  }

  /**
   * `accepted`: the control plane has it. `rejected`: it refused the batch as invalid, so sending
   * it again cannot succeed; it is dropped. `failed`: kept, and offered again by the next flush.
   */
  endFlush(batchId: string, outcome: 'accepted' | 'rejected' | 'failed'): void {
    this.flushing = false;
    this.lastAttemptFailed = outcome === 'failed';
    if (this.outstanding?.batchId !== batchId || outcome === 'failed') return;
    if (outcome === 'rejected') {
      this.droppedCount += this.outstanding.series.length + this.outstanding.purges.length;
    }
    this.outstanding = null;
  }

  private hasBuffered(): boolean {
    return this.series.size > 0 || this.purges.length > 0 || this.purgeFailures.size > 0;
  }

  private hasData(): boolean {
    return this.outstanding !== null || this.hasBuffered();
  }

  private drop(): void {
    if (this.droppedCount === 0) console.error('edge: metrics buffer full, dropping the oldest series (logged once)');
    this.droppedCount++;
  }
}
