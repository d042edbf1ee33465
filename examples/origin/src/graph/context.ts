import type { Claims } from '@conductor/schema/contracts/auth';

/**
 * What one mutation's purge came to; reported back in the `purge` response extension. `pending`:
 * not delivered within the origin's wait bound, still queued in the outbox, which delivers it later.
 */
export type PurgeOutcome =
  | { status: 'applied'; op: string; purgeId: string; tags: string[]; duplicate: boolean }
  | { status: 'pending'; op: string; purgeId: string; code?: string; message?: string }
  | { status: 'failed'; op: string; purgeId: string; code: string; message: string };

/** Per-request facts the resolvers learn and the HTTP layer needs afterwards. */
export interface RequestState {
  /** Set when per-user data was resolved: the response must not be stored by shared caches. */
  private: boolean;
  /** Set when the answer must not be stored by any cache (raw documents with personal data); absent = false. */
  noStore?: boolean;
  purges: PurgeOutcome[];
}

/** The server context handed to Yoga for every authenticated request. */
export interface OriginContext {
  claims: Claims;
  state: RequestState;
  /**
   * Set when the edge forwarded this request and signed the purge id it will invalidate the
   * mutation under (@conductor/sdk forwarded-purge): the purges carry ids derived from it, so the
   * edge's own invalidation and ours are applied once between them. Null on a direct call.
   */
  forwardedPurgeId: string | null;
}
