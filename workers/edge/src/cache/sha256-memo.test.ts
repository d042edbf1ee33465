import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@conductor/sdk';
import { memoSha256Hex } from './sha256-memo.ts';

describe('memoSha256Hex', () => {
  it.each([
    ['empty', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('%s: the same digest, first and memoized', async (_n, input, want) => {
    expect(await memoSha256Hex(input)).toBe(want);
    expect(await memoSha256Hex(input)).toBe(want);
  });

  it('agrees with sha256Hex on long (unmemoized) and non-ASCII inputs', async () => {
    for (const input of ['x'.repeat(5_000), 'Zoë ☃ 𝄞', '{"id":"1"}']) {
      expect(await memoSha256Hex(input)).toBe(await sha256Hex(input));
      expect(await memoSha256Hex(input)).toBe(await sha256Hex(input));
    }
  });
});
