import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { TenantGenerations } from '../generations/tenant-generations.ts';
import { GENERATION_MEMO_MS, GenerationMemo, GenerationsClient, REFRESH_AHEAD_MS, REFRESH_MAX_TAGS, WORKING_SET_MS } from './generations.ts';

const T0 = 1_000_000;
const read = (generations: Record<string, number>) => ({ epoch: 'epoch-1', generations });

describe('GenerationMemo', () => {
  it('answers only when every tag is memoized and younger than the bound, with the age of the oldest', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ '*': 1, 'op:a': 2 }), T0);
    expect(m.lookup('acme', ['*', 'op:a'], T0 + GENERATION_MEMO_MS)).toEqual({ read: read({ '*': 1, 'op:a': 2 }), age: GENERATION_MEMO_MS });
    expect(m.lookup('acme', ['*', 'op:a'], T0 + GENERATION_MEMO_MS + 1)).toBeNull();
    expect(m.lookup('acme', ['*', 'op:b'], T0)).toBeNull();
    expect(m.lookup('globex', ['*'], T0)).toBeNull();
  });

  it('a purge clears the tenant, and a read that raced the purge is not memoized', () => {
    const m = new GenerationMemo();
    const before = m.clears('acme');
    m.remember('acme', before, read({ '*': 0 }), T0);
    m.clear('acme');
    expect(m.lookup('acme', ['*'], T0)).toBeNull();
    // A DO read sent before the purge and answered after it carries the old count.
    m.remember('acme', before, read({ '*': 0 }), T0);
    expect(m.lookup('acme', ['*'], T0)).toBeNull();
    m.remember('acme', m.clears('acme'), read({ '*': 1 }), T0);
    expect(m.lookup('acme', ['*'], T0)?.read).toEqual(read({ '*': 1 }));
  });

  it('a read under another storage epoch drops what was memoized under the old one', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ '*': 3, 'op:a': 1 }), T0);
    m.remember('acme', m.clears('acme'), { epoch: 'epoch-2', generations: { '*': 0 } }, T0);
    expect(m.lookup('acme', ['*'], T0)?.read).toEqual({ epoch: 'epoch-2', generations: { '*': 0 } });
    expect(m.lookup('acme', ['*', 'op:a'], T0)).toBeNull();
  });

  it('a read answered late does not replace what a later read answered', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ 'op:a': 2 }), T0 + 100);
    m.remember('acme', m.clears('acme'), read({ 'op:a': 1 }), T0);
    expect(m.lookup('acme', ['op:a'], T0 + 100)).toEqual({ read: read({ 'op:a': 2 }), age: 0 });
  });

  it('a read renews the working set: tags asked for within WORKING_SET_MS, bounded; older ones are forgotten', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ 'op:old': 0, 'op:hot': 0 }), T0);
    m.lookup('acme', ['op:hot'], T0 + 100);
    expect(m.refreshSet('acme', ['op:new'], T0 + 100 + WORKING_SET_MS).sort()).toEqual(['op:hot', 'op:new']);
    expect(m.lookup('acme', ['op:old'], T0)).toBeNull(); // forgotten, not merely skipped
    const many = Object.fromEntries(Array.from({ length: REFRESH_MAX_TAGS + 50 }, (_, i) => [`op:${i}`, 0]));
    m.remember('acme', m.clears('acme'), read(many), T0 + 10);
    expect(m.refreshSet('acme', ['op:new'], T0 + 20)).toHaveLength(REFRESH_MAX_TAGS);
  });

  it('a read in flight answers others only if it covers their tags, is young enough, and no purge came after it', () => {
    const m = new GenerationMemo();
    const flight = Promise.resolve(read({ '*': 0, 'op:a': 0 }));
    m.fly('acme', m.clears('acme'), T0, ['*', 'op:a'], flight);
    expect(m.flight('acme', ['op:a'], T0 + GENERATION_MEMO_MS)).toBe(flight);
    expect(m.flight('acme', ['op:a', 'op:b'], T0)).toBeNull();
    expect(m.flight('acme', ['op:a'], T0 + GENERATION_MEMO_MS + 1)).toBeNull();
    m.clear('acme');
    expect(m.flight('acme', ['op:a'], T0)).toBeNull();
  });
});

/** The real Durable Object namespace, counting the reads that reach it. */
function counting(): { ns: DurableObjectNamespace<TenantGenerations>; reads: string[][] } {
  const reads: string[][] = [];
  const ns = {
    idFromName: (name: string) => env.GENERATIONS.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = env.GENERATIONS.get(id);
      return {
        read: (tags: string[]) => {
          reads.push(tags);
          return stub.read(tags);
        },
        bump: (purgeId: string, tags: string[]) => stub.bump(purgeId, tags),
      };
    },
  } as unknown as DurableObjectNamespace<TenantGenerations>;
  return { ns, reads };
}

describe('GenerationsClient', () => {
  it('a bump through this isolate is visible to its very next read', async () => {
    const client = new GenerationsClient(new GenerationMemo(), env.GENERATIONS);
    const tenant = `memo-${crypto.randomUUID()}`;
    expect((await client.read(tenant, ['*'])).generations).toEqual({ '*': 0 });
    await client.bump(tenant, `purge-${crypto.randomUUID()}`, ['*']);
    expect((await client.read(tenant, ['*'])).generations).toEqual({ '*': 1 });
  });

  it('concurrent reads share one Durable Object read when it covers their tags', async () => {
    const { ns, reads } = counting();
    const client = new GenerationsClient(new GenerationMemo(), ns);
    const tenant = `share-${crypto.randomUUID()}`;
    const [a, b, c] = await Promise.all([client.read(tenant, ['*', 'op:a']), client.read(tenant, ['op:a']), client.read(tenant, ['op:b'])]);
    expect(reads).toEqual([['*', 'op:a'], ['op:b']]);
    expect([a.generations['op:a'], b.generations['op:a'], c.generations['op:b']]).toEqual([0, 0, 0]);
    // Both answers are memoized: nothing more reaches the object.
    expect(client.cached(tenant, ['*', 'op:a', 'op:b'])?.generations).toEqual({ '*': 0, 'op:a': 0, 'op:b': 0 });
    expect(reads).toHaveLength(2);
  });

  it('a read after a bump through this isolate never joins a read sent before it', async () => {
    const { ns } = counting();
    const client = new GenerationsClient(new GenerationMemo(), ns);
    const tenant = `race-${crypto.randomUUID()}`;
    const before = client.read(tenant, ['*']);
    await client.bump(tenant, `purge-${crypto.randomUUID()}`, ['*']);
    expect((await client.read(tenant, ['*'])).generations).toEqual({ '*': 1 });
    await before;
  });

  it('a hit past REFRESH_AHEAD_MS renews the working set in the background, once', async () => {
    const { ns, reads } = counting();
    const background: Promise<unknown>[] = [];
    const memo = new GenerationMemo();
    const client = new GenerationsClient(memo, ns, (p) => void background.push(p));
    const tenant = `ahead-${crypto.randomUUID()}`;
    // Memoized as if read REFRESH_AHEAD_MS + 1 ago: still valid, due for renewal.
    memo.remember(tenant, memo.clears(tenant), (await env.GENERATIONS.get(env.GENERATIONS.idFromName(tenant)).read(['*', 'op:a'])), Date.now() - REFRESH_AHEAD_MS - 1);
    expect(client.cached(tenant, ['*'])?.generations).toEqual({ '*': 0 });
    expect(client.cached(tenant, ['op:a'])?.generations).toEqual({ 'op:a': 0 });
    expect(background).toHaveLength(1);
    await Promise.all(background);
    expect(reads).toEqual([['*', 'op:a']]);
    expect(memo.lookup(tenant, ['*', 'op:a'], Date.now())!.age).toBeLessThanOrEqual(REFRESH_AHEAD_MS);
  });
});
