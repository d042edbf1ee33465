import { describe, expect, it } from 'vitest';
import { entryState, retentionSeconds } from './stale-policy.ts';

const EXPIRES = 1_000_000;

describe('entryState', () => {
  // [name, ms past expiresAt, swr s, sie s, state]
  it.each([
    ['before the TTL ends', -1, 0, 0, 'fresh'],
    ['at the TTL end, no windows', 0, 0, 0, 'expired'],
    ['inside the SWR window', 0, 10, 0, 'stale-while-revalidate'],
    ['last ms of the SWR window', 9_999, 10, 0, 'stale-while-revalidate'],
    ['SWR window over', 10_000, 10, 0, 'expired'],
    ['inside the SIE window only', 5_000, 0, 30, 'stale-if-error'],
    ['SWR wins while both are open', 5_000, 10, 30, 'stale-while-revalidate'],
    ['past SWR, still in SIE', 10_000, 10, 30, 'stale-if-error'],
    ['past both', 30_000, 10, 30, 'expired'],
  ] as const)('%s', (_n, late, swr, sie, want) => {
    expect(entryState(EXPIRES, { staleWhileRevalidateSeconds: swr, staleIfErrorSeconds: sie }, EXPIRES + late)).toBe(want);
  });
});

describe('retentionSeconds', () => {
  it('is the TTL plus the longer window', () => {
    expect(retentionSeconds({ ttlSeconds: 60, staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 300 })).toBe(360);
    expect(retentionSeconds({ ttlSeconds: 60, staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 0 })).toBe(90);
    expect(retentionSeconds({ ttlSeconds: 60, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 })).toBe(60);
  });
});
