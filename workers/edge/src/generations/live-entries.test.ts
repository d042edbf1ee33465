import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { LiveEntries, SWEEP_CHUNK } from './live-entries.ts';
import type { FillRecord } from './types.ts';

// The live-entry ledger inside a real TenantGenerations object (SQLite storage, alarms).
const stub = (tenant: string) => env.GENERATIONS.get(env.GENERATIONS.idFromName(tenant));
const MINUTE = 60_000;

/** A fill as the edge reports it: every tag at the generation the object reads now. */
async function fillOf(tenant: string, url: string, opId: string, tags: string[], retainMs = 5 * MINUTE): Promise<FillRecord> {
  const read = await stub(tenant).read(tags);
  return { url, opId, epoch: read.epoch, generations: read.generations, retainUntil: Date.now() + retainMs };
}

const entityTags = (id: string) => ['*', 'op:A', `op:A#${id}`, `op:A|id="${id}"`];
const rows = (tenant: string) =>
  runInDurableObject(stub(tenant), (_i, state) => ({
    fills: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM fills').one().n,
    tags: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM fill_tags').one().n,
  }));

describe('live entries in TenantGenerations', () => {
  it('counts recorded fills per operation under the tags asked, with their current generations', async () => {
    const s = stub('le-count');
    const fills = [
      await fillOf('le-count', 'u/a1', 'op-A', entityTags('1')),
      await fillOf('le-count', 'u/a2', 'op-A', entityTags('2')),
      await fillOf('le-count', 'u/b', 'op-B', ['*', 'op:B', 'op:B#x']),
    ];
    expect(await s.recordFills(fills)).toEqual({ recorded: 3, superseded: 0, untracked: 0 });
    expect(await s.liveEntries(['*'])).toEqual({ generations: { '*': 0 }, byOperation: { 'op-A': 2, 'op-B': 1 }, total: 3, complete: true });
    expect(await s.liveEntries(['op:A|id="1"', 'op:B'])).toMatchObject({ byOperation: { 'op-A': 1, 'op-B': 1 }, total: 2 });
    // An entry reached through two of the tags is one entry.
    expect((await s.liveEntries(['op:A', 'op:A#1', '*'])).total).toBe(3);
    expect((await s.liveEntries(['op:C'])).total).toBe(0);
  });

  it('a URL reported twice (two isolates of a POP, or a refresh) is one entry', async () => {
    const s = stub('le-dup');
    const fill = await fillOf('le-dup', 'u/same', 'op-A', entityTags('1'));
    await s.recordFills([fill]);
    await s.recordFills([{ ...fill, retainUntil: fill.retainUntil + MINUTE }]);
    expect((await s.liveEntries(['*'])).total).toBe(1);
    expect((await rows('le-dup')).fills).toBe(1);
  });

  it('a purge makes its entries uncounted at once, and leaves the others counted', async () => {
    const s = stub('le-bump');
    await s.recordFills([await fillOf('le-bump', 'u/1', 'op-A', entityTags('1')), await fillOf('le-bump', 'u/2', 'op-A', entityTags('2'))]);
    await s.bump('purge-le-1', ['op:A|id="1"']);
    expect(await s.liveEntries(['op:A'])).toMatchObject({ generations: { 'op:A': 0 }, byOperation: { 'op-A': 1 }, total: 1 });
    expect(await s.liveEntries(['op:A|id="1"'])).toMatchObject({ generations: { 'op:A|id="1"': 1 }, total: 0 });
  });

  it('a fill that raced a purge (reported under a superseded generation or another epoch) is not recorded', async () => {
    const s = stub('le-race');
    const before = await fillOf('le-race', 'u/raced', 'op-A', entityTags('1'));
    await s.bump('purge-le-race', ['op:A']);
    const foreign = { ...(await fillOf('le-race', 'u/foreign', 'op-A', entityTags('2'))), epoch: 'another-epoch' };
    expect(await s.recordFills([before, foreign])).toEqual({ recorded: 0, superseded: 2, untracked: 0 });
    expect((await s.liveEntries(['*'])).total).toBe(0);
  });

  it('entries past their retention are not counted and are pruned by the next report', async () => {
    const s = stub('le-expiry');
    const old = await fillOf('le-expiry', 'u/old', 'op-A', entityTags('1'));
    const young = await fillOf('le-expiry', 'u/young', 'op-A', entityTags('2'));
    await s.recordFills([old, young]);
    await runInDurableObject(s, (_i, state) => {
      state.storage.sql.exec('UPDATE fills SET retain_until = ? WHERE url = ?', Date.now() - 1, 'u/old');
    });
    expect((await s.liveEntries(['*'])).total).toBe(1);
    expect((await rows('le-expiry')).fills).toBe(2);
    await s.recordFills([await fillOf('le-expiry', 'u/later', 'op-A', entityTags('3'))]);
    expect(await rows('le-expiry')).toEqual({ fills: 2, tags: 8 });
  });

  it('a dry-run count changes nothing: generations, ledger and rows stay as they were', async () => {
    const s = stub('le-readonly');
    await s.recordFills([await fillOf('le-readonly', 'u/1', 'op-A', entityTags('1'))]);
    const snapshot = () =>
      runInDurableObject(s, (_i, state) => ({
        generations: state.storage.sql.exec('SELECT * FROM generations').toArray(),
        purges: state.storage.sql.exec('SELECT * FROM purges').toArray(),
        fills: state.storage.sql.exec('SELECT * FROM fills').toArray(),
      }));
    const before = await snapshot();
    await s.liveEntries(['*', 'op:A']);
    expect(await snapshot()).toEqual(before);
  });

  it('a purge queues the rows it made dead, and its alarm sweeps them', async () => {
    const tenant = 'le-sweep';
    const s = stub(tenant);
    await s.recordFills([await fillOf(tenant, 'u/1', 'op-A', entityTags('1')), await fillOf(tenant, 'u/b', 'op-B', ['*', 'op:B'])]);
    await s.bump('purge-le-sweep', ['op:A']);
    // The alarm fires by itself at once; running it here as well only makes the wait short.
    await runDurableObjectAlarm(s);
    await vi.waitUntil(async () => (await rows(tenant)).fills === 1, { timeout: 5_000 });
    expect(await rows(tenant)).toEqual({ fills: 1, tags: 2 });
    expect((await s.liveEntries(['*'])).byOperation).toEqual({ 'op-B': 1 });
  });

  it('sweeps a chunk at a time and says when more remain', async () => {
    const tenant = 'le-chunks';
    const s = stub(tenant);
    const n = SWEEP_CHUNK + 5;
    const read = await s.read(['op:A']);
    const fills = Array.from({ length: n }, (_, i): FillRecord => ({
      url: `u/${i}`,
      opId: 'op-A',
      epoch: read.epoch,
      generations: read.generations,
      retainUntil: Date.now() + MINUTE,
    }));
    for (let i = 0; i < n; i += 500) await s.recordFills(fills.slice(i, i + 500));
    // Made dead and queued by hand, as bump() does, without the alarm that would sweep concurrently.
    const steps = await runInDurableObject(s, (_i, state) => {
      const live = new LiveEntries(state.storage);
      const before = live.count(['op:A'], Date.now()).total;
      state.storage.sql.exec(`INSERT INTO generations (tag, gen) VALUES ('op:A', 1)`);
      expect(live.queueSweep({ 'op:A': 1 })).toBe(true);
      const count = () => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM fills').one().n;
      const live0 = live.count(['*', 'op:A'], Date.now()).total;
      return [before, live0, live.sweep(Date.now()), count(), live.sweep(Date.now()), count(), live.queueSweep({ 'op:A': 1 })];
    });
    // Dead before any sweep ran; then swept in two chunks; nothing left to queue.
    expect(steps).toEqual([n, 0, true, n - SWEEP_CHUNK, false, 0, false]);
  });

  it('past the tracking limit a fill is not recorded and the count says it is incomplete while that fill could live', async () => {
    const s = stub('le-limit');
    const fills = [
      await fillOf('le-limit', 'u/1', 'op-A', ['*']),
      await fillOf('le-limit', 'u/2', 'op-A', ['*']),
      await fillOf('le-limit', 'u/3', 'op-A', ['*'], MINUTE),
    ];
    const outcome = await runInDurableObject(s, (_i, state) => new LiveEntries(state.storage, 2).record(fills[0]!.epoch, fills, Date.now()));
    expect(outcome).toEqual({ recorded: 2, superseded: 0, untracked: 1 });
    expect(await s.liveEntries(['*'])).toMatchObject({ total: 2, complete: false });
    // Once the unrecorded fill's retention is over, the count is complete again.
    const later = await runInDurableObject(s, (_i, state) => new LiveEntries(state.storage, 2).count(['*'], Date.now() + 2 * MINUTE));
    expect(later).toMatchObject({ total: 2, complete: true });
  });
});
