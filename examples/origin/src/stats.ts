import type { OutboxStats } from '@conductor/sdk/outbox';

/** Counters read by tests and benchmarks through GET /__stats. */
export interface Stats {
  /** Every request to /graphql, authenticated or not. */
  requests: number;
  /** Executed operations by operation name (`anonymous` when unnamed). */
  byOperation: Record<string, number>;
  /** Executed mutation operations. */
  mutations: number;
  /** Purges handed to the outbox (one per successful write). */
  purgesSent: number;
  /** Mutations that answered before their purge reached the edge (the outbox delivers it later). */
  purgesPending: number;
  /** Purges that failed for good: refused by the edge (4xx; kept in the outbox file, marked failed) or never queued. */
  purgeFailures: number;
  /** The purge outbox right now: depth and oldest age (alert on these), counters since the origin started. */
  outbox: OutboxStats;
}

type Counters = Omit<Stats, 'outbox'>;

export class StatsCounter {
  private stats = emptyCounters();

  /** `outbox` is read at snapshot time; it is not reset by `reset()` (its counters are since start). */
  constructor(private readonly outbox: () => OutboxStats) {}

  request(): void {
    this.stats.requests++;
  }

  operation(name: string, isMutation: boolean): void {
    this.stats.byOperation[name] = (this.stats.byOperation[name] ?? 0) + 1;
    if (isMutation) this.stats.mutations++;
  }

  /** How a mutation's purge stood when the mutation answered. */
  purge(status: 'delivered' | 'pending' | 'failed'): void {
    this.stats.purgesSent++;
    if (status === 'pending') this.stats.purgesPending++;
    if (status === 'failed') this.stats.purgeFailures++;
  }

  snapshot(): Stats {
    return { ...this.stats, byOperation: { ...this.stats.byOperation }, outbox: this.outbox() };
  }

  reset(): void {
    this.stats = emptyCounters();
  }
}

function emptyCounters(): Counters {
  return { requests: 0, byOperation: {}, mutations: 0, purgesSent: 0, purgesPending: 0, purgeFailures: 0 };
}
