import { describe, expect, it } from 'vitest';
import { variablesHash } from '@conductor/sdk';
import { cacheKey, cacheUrl, canonicalVariables, generationDigest, MAX_VARIABLES_BYTES, resolveRegion } from './keyer.ts';

const OP = 'sha256:8756ada898ed748036734b7f2014d4a90b6cca5819fc8ce68b6fdc5bfc84460f';

// [name, variables as the client sent them (JSON text), canonical JSON, varsHash]
const VECTORS: Array<[string, string | undefined, string, string]> = [
  ['missing', undefined, 'null', '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b'],
  ['null', 'null', 'null', '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b'],
  ['empty object differs from null', '{}', '{}', '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'],
  ['key order b,a', '{"b":2,"a":1}', '{"a":1,"b":2}', '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777'],
  ['key order a,b', '{ "a": 1, "b": 2 }', '{"a":1,"b":2}', '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777'],
  ['unicode, sorted by UTF-16 units', '{"é":"e","name":"Zo\\u00eb ☃ 𝄞"}', '{"name":"Zoë ☃ 𝄞","é":"e"}', '7be2666eff51d5a906e7550f06502111d80548cbb4b6a7fab50b4313a7066bdc'],
  ['integer 1', '{"n":1}', '{"n":1}', '2bfd14f43d17fc7cea24e0917a8879b4b2f880b8baeec1b9d90fbaad655e71bd'],
  ['1.0 is 1', '{"n":1.0}', '{"n":1}', '2bfd14f43d17fc7cea24e0917a8879b4b2f880b8baeec1b9d90fbaad655e71bd'],
  ['1e21 in exponent form', '{"n":1000000000000000000000}', '{"n":1e+21}', 'f1ee2b60ee95a3170fdc07a577e5f3514ced26867443d69da265acadead81007'],
  ['-0 is 0', '{"n":-0}', '{"n":0}', 'f3013f933b9fb80ab6d995e7ad9da36f683837ba1d81e950c943d40111eac2f0'],
  ['1e-7 in exponent form', '{"n":0.0000001}', '{"n":1e-7}', '747d6d23b64d1b2d579adb832b44de31c91c875bbef7a8e397f5d183a746b54b'],
  ['nested objects and arrays', '{"outer":{"z":[3,{"y":1,"x":2}],"a":null}}', '{"outer":{"a":null,"z":[3,{"x":2,"y":1}]}}', 'aca8b1d3255cbfde2c6d8eba6eebd41dda06b49a2f66b435ee1ec7fd313531d3'],
];

describe('canonical variables', () => {
  it.each(VECTORS)('%s', async (_name, json, canonical, hash) => {
    const variables = json === undefined ? undefined : JSON.parse(json);
    const got = await canonicalVariables(variables);
    expect(got).toEqual({ canonical, varsHash: hash });
    // Same value as the SDK's variablesHash, which clients and the purge CLI use.
    expect(got!.varsHash).toBe(await variablesHash(variables));
  });

  it('refuses canonical variables over 16 KiB, counting UTF-8 bytes', async () => {
    expect(await canonicalVariables({ s: 'x'.repeat(MAX_VARIABLES_BYTES - 8) })).not.toBeNull();
    expect(await canonicalVariables({ s: 'x'.repeat(MAX_VARIABLES_BYTES) })).toBeNull();
    // 6000 three-byte characters: under the limit in UTF-16 units, over it in bytes.
    expect(await canonicalVariables({ s: '☃'.repeat(6000) })).toBeNull();
  });

  it('refuses non-finite numbers rather than merging them with null', async () => {
    await expect(canonicalVariables(JSON.parse('{"n":1e400}'))).rejects.toThrow(/non-finite/);
  });
});

describe('cacheKey', () => {
  const varsHash = '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777';
  it('tenant scope', () => {
    expect(cacheKey({ tenant: 'acme', region: 'FRA', opId: OP, varsHash })).toBe(`v1/acme/FRA/${OP}/${varsHash}`);
  });
  it('user scope appends the subject hash', () => {
    const userHash = '9b435b21b56580fabec2ecbaee24ee1370ce882ad3c548f4f0c26dedc0d6c89c';
    expect(cacheKey({ tenant: 'acme', region: 'FRA', opId: OP, varsHash, userHash })).toBe(`v1/acme/FRA/${OP}/${varsHash}/u:${userHash}`);
  });
  it('tenants never share a key', () => {
    expect(cacheKey({ tenant: 'acme', region: 'r', opId: OP, varsHash })).not.toBe(cacheKey({ tenant: 'globex', region: 'r', opId: OP, varsHash }));
  });
  it('cache URL carries the generation digest', () => {
    expect(cacheUrl('v1/acme/r/x/y', 'abc')).toBe('https://edge-cache.conductor.invalid/v1/acme/r/x/y?g=abc');
  });
});

describe('resolveRegion', () => {
  it.each([
    ['local', 'FRA', 'local'],
    [undefined, 'FRA', 'FRA'],
    [undefined, undefined, 'unknown'],
    [undefined, 'bad/colo', 'unknown'],
  ] as const)('LOCAL_REGION=%s colo=%s → %s', (local, colo, want) => {
    expect(resolveRegion(local, colo)).toBe(want);
  });
});

describe('generationDigest', () => {
  const at = (generations: Record<string, number>, epoch = 'e1') => ({ epoch, generations });
  it('ignores tag order, changes with any generation, treats missing as 0', async () => {
    const a = await generationDigest(at({ '*': 0, 'op:x': 2 }), ['*', 'op:x']);
    expect(a).toBe('50ad4802081d962632ff056c8e956fa7d49b04698de01ece3282451167e95445');
    expect(await generationDigest(at({ 'op:x': 2 }), ['op:x', '*'])).toBe(a);
    expect(await generationDigest(at({ '*': 1, 'op:x': 2 }), ['*', 'op:x'])).not.toBe(a);
  });
  it('differs for another store epoch with equal counters (a store that lost its storage)', async () => {
    expect(await generationDigest(at({ '*': 0 }, 'e2'), ['*'])).not.toBe(await generationDigest(at({ '*': 0 }, 'e1'), ['*']));
  });
});
