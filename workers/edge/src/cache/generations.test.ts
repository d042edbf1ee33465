import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GENERATION_MEMO_MS, GenerationMemo, GenerationsClient } from './generations.ts';

const T0 = 1_000_000;
const read = (generations: Record<string, number>) => ({ epoch: 'epoch-1', generations });

describe('GenerationMemo', () => {
  it('answers only when every tag is memoized and younger than the bound', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ '*': 1, 'op:a': 2 }), T0);
    expect(m.lookup('acme', ['*', 'op:a'], T0 + GENERATION_MEMO_MS)).toEqual(read({ '*': 1, 'op:a': 2 }));
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
    expect(m.lookup('acme', ['*'], T0)).toEqual(read({ '*': 1 }));
  });

  it('a read under another storage epoch drops what was memoized under the old one', () => {
    const m = new GenerationMemo();
    m.remember('acme', m.clears('acme'), read({ '*': 3, 'op:a': 1 }), T0);
    m.remember('acme', m.clears('acme'), { epoch: 'epoch-2', generations: { '*': 0 } }, T0);
    expect(m.lookup('acme', ['*'], T0)).toEqual({ epoch: 'epoch-2', generations: { '*': 0 } });
    expect(m.lookup('acme', ['*', 'op:a'], T0)).toBeNull();
  });
});

describe('GenerationsClient', () => {
  it('a bump through this isolate is visible to its very next read', async () => {
    const client = new GenerationsClient(new GenerationMemo(), env.GENERATIONS);
    const tenant = `memo-${crypto.randomUUID()}`;
    expect((await client.read(tenant, ['*'])).generations).toEqual({ '*': 0 });
    await client.bump(tenant, `purge-${crypto.randomUUID()}`, ['*']);
    expect((await client.read(tenant, ['*'])).generations).toEqual({ '*': 1 });
  });
});
