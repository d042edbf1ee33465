import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';

/**
 * What a stored entry may still be used for, by its age past the TTL and the operation's windows
 * (RFC 5861 semantics). Pure. The windows are read from the current config, so shortening one
 * takes effect on entries already stored; lengthening one cannot revive an entry already dropped.
 *
 * - `fresh`: serve it (HIT).
 * - `stale-while-revalidate`: serve it (STALE) and refresh it once in the background.
 * - `stale-if-error`: ask the origin; serve it (STALE) only if the origin fails or answers 5xx.
 * - `expired`: unusable; the origin answers or the request fails.
 */
export type EntryState = 'fresh' | 'stale-while-revalidate' | 'stale-if-error' | 'expired';

export type StaleWindows = Pick<EdgeOperation, 'staleWhileRevalidateSeconds' | 'staleIfErrorSeconds'>;

export function entryState(expiresAt: number, windows: StaleWindows, now: number): EntryState {
  if (now < expiresAt) return 'fresh';
  const late = now - expiresAt;
  if (late < windows.staleWhileRevalidateSeconds * 1000) return 'stale-while-revalidate';
  if (late < windows.staleIfErrorSeconds * 1000) return 'stale-if-error';
  return 'expired';
}

/** How long an entry is kept (Cache API max-age and the hot tier): TTL plus the longer window. */
export function retentionSeconds(op: Pick<EdgeOperation, 'ttlSeconds'> & StaleWindows): number {
  return op.ttlSeconds + Math.max(op.staleWhileRevalidateSeconds, op.staleIfErrorSeconds);
}
