import { env } from 'cloudflare:workers';
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LEDGER_RETENTION_MS } from './tenant-generations.ts';

const stub = (tenant: string) => env.GENERATIONS.get(env.GENERATIONS.idFromName(tenant));

describe('TenantGenerations', () => {
  it('reads 0 for tags never bumped', async () => {
    expect((await stub('t-read').read(['*', 'op:a'])).generations).toEqual({ '*': 0, 'op:a': 0 });
  });

  it('bumps each tag once per purge and reads the new values', async () => {
    const s = stub('t-bump');
    const first = await s.bump('purge-0001', ['op:a', 'op:a', '*']);
    expect(first).toMatchObject({ purgeId: 'purge-0001', tags: ['op:a', '*'], generations: { 'op:a': 1, '*': 1 }, duplicate: false });
    expect(Date.parse(first.appliedAt)).not.toBeNaN();
    const second = await s.bump('purge-0002', ['op:a']);
    expect(second.generations).toEqual({ 'op:a': 2 });
    expect((await s.read(['op:a', '*', 'op:b'])).generations).toEqual({ 'op:a': 2, '*': 1, 'op:b': 0 });
  });

  it('is idempotent by purge id: a repeat returns the first result and bumps nothing', async () => {
    const s = stub('t-idem');
    const first = await s.bump('purge-idem-1', ['op:x']);
    const again = await s.bump('purge-idem-1', ['op:x', 'op:y']);
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await s.read(['op:x', 'op:y'])).generations).toEqual({ 'op:x': 1, 'op:y': 0 });
  });

  it('keeps generations and the ledger across eviction', async () => {
    const s = stub('t-evict');
    await s.bump('purge-evict-1', ['op:e']);
    await evictDurableObject(s);
    expect((await s.read(['op:e'])).generations).toEqual({ 'op:e': 1 });
    expect((await s.bump('purge-evict-1', ['op:e'])).duplicate).toBe(true);
  });

  it('has a random epoch created with its storage, kept across eviction', async () => {
    const s = stub('t-epoch');
    const { epoch } = await s.read(['*']);
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/);
    await s.bump('purge-epoch-1', ['*']);
    await evictDurableObject(s);
    expect((await s.read(['*'])).epoch).toBe(epoch);
    // Equal counters in another object (what lost storage would look like) come with another epoch.
    expect((await stub('t-epoch-other').read(['*'])).epoch).not.toBe(epoch);
  });

  it('tenants are separate objects', async () => {
    await stub('t-sep-a').bump('purge-sep-1', ['*']);
    expect((await stub('t-sep-b').read(['*'])).generations).toEqual({ '*': 0 });
  });

  it('prunes ledger entries older than the retention on write', async () => {
    const s = stub('t-prune');
    await s.bump('purge-old-1', ['op:p']);
    await runInDurableObject(s, (_instance, state) => {
      state.storage.sql.exec('UPDATE purges SET applied_at = ? WHERE purge_id = ?', Date.now() - LEDGER_RETENTION_MS - 1, 'purge-old-1');
    });
    await s.bump('purge-new-1', ['op:q']);
    const ids = await runInDurableObject(s, (_i, state) => state.storage.sql.exec<{ purge_id: string }>('SELECT purge_id FROM purges').toArray().map((r) => r.purge_id));
    expect(ids).toEqual(['purge-new-1']);
  });

  it('reads many tags with one statement', async () => {
    const tags = Array.from({ length: 300 }, (_, i) => `op:t${i}`);
    const s = stub('t-many');
    await s.bump('purge-many-1', tags);
    const got = (await s.read(tags)).generations;
    expect(Object.values(got).every((g) => g === 1)).toBe(true);
  });
});
