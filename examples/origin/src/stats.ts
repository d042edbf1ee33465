/** Counters read by tests and benchmarks through GET /__stats. */
export interface Stats {
  /** Every request to /graphql, authenticated or not. */
  requests: number;
  /** Executed operations by operation name (`anonymous` when unnamed). */
  byOperation: Record<string, number>;
  /** Executed mutation operations. */
  mutations: number;
  /** Purges handed to the edge hook (one per successful write, however many retries it took). */
  purgesSent: number;
  /** Purges that got no receipt after all retries. */
  purgeFailures: number;
}

export class StatsCounter {
  private stats = emptyStats();

  request(): void {
    this.stats.requests++;
  }

  operation(name: string, isMutation: boolean): void {
    this.stats.byOperation[name] = (this.stats.byOperation[name] ?? 0) + 1;
    if (isMutation) this.stats.mutations++;
  }

  purge(ok: boolean): void {
    this.stats.purgesSent++;
    if (!ok) this.stats.purgeFailures++;
  }

  snapshot(): Stats {
    return { ...this.stats, byOperation: { ...this.stats.byOperation } };
  }

  reset(): void {
    this.stats = emptyStats();
  }
}

function emptyStats(): Stats {
  return { requests: 0, byOperation: {}, mutations: 0, purgesSent: 0, purgeFailures: 0 };
}
