/**
 * When to refresh the pulled config. A control-plane change must be visible at the edge
 * within 5 s (docs/adr/0004): past the soft age a request triggers a background refresh, past the hard age it
 * waits for one. After a failed pull the last good config keeps serving and retries are spaced,
 * so a down control plane does not add a failing round trip to every request.
 */
export const CONFIG_SOFT_AGE_MS = 1_000;
export const CONFIG_HARD_AGE_MS = 4_000;
export const CONFIG_RETRY_MS = 1_000;

export type RefreshAction = 'none' | 'background' | 'await';

export interface FreshnessState {
  hasConfig: boolean;
  /** When the last pull succeeded (200 or 304). */
  lastSuccessAt: number;
  /** When the last pull failed; 0 if never. */
  lastFailureAt: number;
  refreshing: boolean;
}

export function refreshAction(s: FreshnessState, now: number): RefreshAction {
  if (!s.hasConfig) return 'await';
  const age = now - s.lastSuccessAt;
  if (age <= CONFIG_SOFT_AGE_MS) return 'none';
  if (s.refreshing) return age > CONFIG_HARD_AGE_MS ? 'await' : 'none';
  if (now - s.lastFailureAt < CONFIG_RETRY_MS) return 'none';
  return age > CONFIG_HARD_AGE_MS ? 'await' : 'background';
}
