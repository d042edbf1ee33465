// What a tenant's generations Durable Object answers; plain data, shared by the object and its callers.

export interface BumpResult {
  purgeId: string;
  tags: string[];
  /** New generation per bumped tag. */
  generations: Record<string, number>;
  /** True when the purge id was applied before: nothing was bumped again, the first result is returned. */
  duplicate: boolean;
  appliedAt: string;
}

export interface GenerationsRead {
  /**
   * Random, created with the object's storage and never changed. Mixed into every generation
   * digest: if the storage were ever lost, the counters would restart at 0 and could recompute
   * the URLs of entries cached before; a new epoch makes every such URL unreachable instead.
   */
  epoch: string;
  /** Current generation of each tag asked for; a tag never bumped is 0. */
  generations: Record<string, number>;
}

/**
 * One entry the edge stored (a fill), reported to the tenant's object off the response path so a
 * purge dry run can count live entries (docs/adr/0009-purge-dry-run-live-entries.md).
 */
export interface FillRecord {
  /** The cache URL: tenant, region (so the POP), operation, variables, user and generation digest. */
  url: string;
  opId: string;
  /** Epoch and generation of every tag the URL was computed from. */
  epoch: string;
  generations: Record<string, number>;
  /** When the entry stops being servable at all: stored + TTL + the longer stale window (ms). */
  retainUntil: number;
}

/** Live entries under some tags, as the object counts them. */
export interface LiveEntryCount {
  /** Current generation of each tag asked for (0 when never bumped). */
  generations: Record<string, number>;
  /** Live entries per operation id, only operations with at least one. */
  byOperation: Record<string, number>;
  total: number;
  /** False while an unrecorded fill (tracking limit reached) could still be live. */
  complete: boolean;
}
