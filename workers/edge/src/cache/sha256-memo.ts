import { sha256Hex } from '@conductor/sdk';

/**
 * sha256Hex with an isolate memo in front. A warm hit hashes the same few strings on every request
 * (canonical variables, the generation pairs, a user subject, an APQ document): a Map lookup
 * answers those without a WebCrypto call and the hex formatting. Only short inputs are kept, so
 * the memo stays small (at most MAX_ENTRIES × MAX_INPUT UTF-16 units, 4 MiB, of keys); first in,
 * first out, since old generation pairs stop being asked for after a purge anyway.
 */
const MAX_ENTRIES = 2_048;
const MAX_INPUT = 1_024;
const memo = new Map<string, string>();

/** The memoized digest of `input`, without an await; undefined when it must be computed. */
export function knownSha256Hex(input: string): string | undefined {
  return memo.get(input);
}

export async function memoSha256Hex(input: string): Promise<string> {
  const known = memo.get(input);
  if (known !== undefined) return known;
  const hex = await sha256Hex(input);
  if (input.length <= MAX_INPUT) {
    if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(input, hex);
  }
  return hex;
}
