import { describe, expect, it } from 'vitest';
import { CONFIG_HARD_AGE_MS, CONFIG_RETRY_MS, CONFIG_SOFT_AGE_MS, refreshAction, type FreshnessState } from './freshness.ts';

const NOW = 1_000_000;
const state = (s: Partial<FreshnessState>): FreshnessState => ({ hasConfig: true, lastSuccessAt: NOW, lastFailureAt: 0, refreshing: false, ...s });

describe('refreshAction', () => {
  it.each([
    ['no config yet: wait for it', state({ hasConfig: false, lastSuccessAt: 0 }), 'await'],
    ['no config, a pull in flight: wait for it', state({ hasConfig: false, refreshing: true }), 'await'],
    ['fresh', state({ lastSuccessAt: NOW - CONFIG_SOFT_AGE_MS }), 'none'],
    ['past the soft age: refresh in the background', state({ lastSuccessAt: NOW - CONFIG_SOFT_AGE_MS - 1 }), 'background'],
    ['past the soft age, already refreshing', state({ lastSuccessAt: NOW - 2_000, refreshing: true }), 'none'],
    ['past the hard age: wait', state({ lastSuccessAt: NOW - CONFIG_HARD_AGE_MS - 1 }), 'await'],
    ['past the hard age, refreshing: wait for that pull', state({ lastSuccessAt: NOW - CONFIG_HARD_AGE_MS - 1, refreshing: true }), 'await'],
    ['past the hard age, just failed: serve the last good config', state({ lastSuccessAt: NOW - 60_000, lastFailureAt: NOW - CONFIG_RETRY_MS + 1 }), 'none'],
    ['past the hard age, failed a while ago: try again', state({ lastSuccessAt: NOW - 60_000, lastFailureAt: NOW - CONFIG_RETRY_MS }), 'await'],
  ] as const)('%s', (_n, s, want) => {
    expect(refreshAction(s, NOW)).toBe(want);
  });
});
