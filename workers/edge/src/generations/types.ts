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
