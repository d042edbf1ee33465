import type { TenantGenerations } from './tenant-generations.ts';
import type { FillRecord, LiveEntryCount } from './types.ts';

/** Fills waiting to be reported, per isolate; past it a fill is dropped (and not counted). */
export const MAX_PENDING_FILLS = 10_000;
/** Fills per report, so one call stays a small message whatever piled up meanwhile. */
export const FILLS_PER_REPORT = 500;

/**
 * The isolate's side of the live-entry ledger (docs/adr/0009-purge-dry-run-live-entries.md).
 * Fills are reported off the response path and batched without a timer: the first fill of a
 * tenant starts a report at once; fills that arrive while it is in flight go out together in the
 * next one. At a low miss rate that is one call per fill; at a high one, one call per round trip.
 * A report that fails is dropped, not retried: its entries go uncounted, which is what the ADR
 * states a dry run's number may miss.
 */
export class LiveEntriesClient {
  private readonly pending = new Map<string, FillRecord[]>();
  private readonly reporting = new Map<string, Promise<void>>();
  private size = 0;
  /** Fills dropped because the buffer was full or their report failed. */
  dropped = 0;

  constructor(private readonly ns: DurableObjectNamespace<TenantGenerations>) {}

  /** Queues a stored entry; `waitUntil` keeps the report alive past the response. */
  recordFill(tenant: string, fill: FillRecord, waitUntil: (p: Promise<unknown>) => void): void {
    if (this.size >= MAX_PENDING_FILLS) {
      if (this.dropped++ === 0) console.error(`edge: over ${MAX_PENDING_FILLS} fills awaiting report, dropping (not counted by dry runs)`);
      return;
    }
    const queue = this.pending.get(tenant);
    if (queue) queue.push(fill);
    else this.pending.set(tenant, [fill]);
    this.size++;
    let report = this.reporting.get(tenant);
    if (!report) {
      report = this.report(tenant);
      this.reporting.set(tenant, report);
    }
    waitUntil(report);
  }

  /** What a purge of `tags` would make unreachable; throws when the object cannot be reached. */
  count(tenant: string, tags: string[]): Promise<LiveEntryCount> {
    return this.stub(tenant).liveEntries(tags);
  }

  private async report(tenant: string): Promise<void> {
    for (;;) {
      const queue = this.pending.get(tenant);
      if (!queue?.length) {
        // Checked and cleared in one synchronous step: a fill queued after this starts a new report.
        this.pending.delete(tenant);
        this.reporting.delete(tenant);
        return;
      }
      const batch = queue.splice(0, FILLS_PER_REPORT);
      this.size -= batch.length;
      try {
        await this.stub(tenant).recordFills(batch);
      } catch (err) {
        this.dropped += batch.length;
        console.error(`edge: ${batch.length} fill(s) of ${tenant} not reported (not counted by dry runs)`, String(err));
      }
    }
  }

  private stub(tenant: string): DurableObjectStub<TenantGenerations> {
    return this.ns.get(this.ns.idFromName(tenant));
  }
}
