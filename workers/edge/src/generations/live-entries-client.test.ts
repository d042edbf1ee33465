import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FakeOrigin } from '../../test/fake-origin.ts';
import { entityReads, entityRequest, settle, testContext } from '../../test/fixtures.ts';
import { handleGraphQL } from '../graphql/handle-graphql.ts';
import { toErrorResponse } from '../http/errors.ts';
import { LiveEntriesClient } from './live-entries-client.ts';
import type { TenantGenerations } from './tenant-generations.ts';
import type { FillRecord } from './types.ts';

/** The real namespace, with every report the client sends counted on the way. */
function countingNamespace(): { ns: DurableObjectNamespace<TenantGenerations>; reports: number[] } {
  const reports: number[] = [];
  const ns = {
    idFromName: (name: string) => env.GENERATIONS.idFromName(name),
    get: (id: DurableObjectId) => {
      const real = env.GENERATIONS.get(id);
      return {
        recordFills: (fills: FillRecord[]) => {
          reports.push(fills.length);
          return real.recordFills(fills);
        },
        liveEntries: (tags: string[]) => real.liveEntries(tags),
        read: (tags: string[]) => real.read(tags),
        bump: (purgeId: string, tags: string[]) => real.bump(purgeId, tags),
      };
    },
  } as unknown as DurableObjectNamespace<TenantGenerations>;
  return { ns, reports };
}

async function fills(tenant: string, n: number): Promise<FillRecord[]> {
  const read = await env.GENERATIONS.get(env.GENERATIONS.idFromName(tenant)).read(['*']);
  return Array.from({ length: n }, (_, i) => ({ url: `u/${i}`, opId: 'op-A', epoch: read.epoch, generations: read.generations, retainUntil: Date.now() + 60_000 }));
}

describe('LiveEntriesClient', () => {
  it('reports the first fill at once and batches the fills that arrive while a report is in flight', async () => {
    const { ns, reports } = countingNamespace();
    const client = new LiveEntriesClient(ns);
    const pending: Promise<unknown>[] = [];
    for (const fill of await fills('lec-batch', 5)) client.recordFill('lec-batch', fill, (p) => pending.push(p));
    await Promise.all(pending);
    expect(reports).toEqual([1, 4]);
    expect((await client.count('lec-batch', ['*'])).total).toBe(5);
    // Idle again: the next fill starts a report of its own.
    const [next] = await fills('lec-batch-2', 1);
    client.recordFill('lec-batch-2', next!, (p) => pending.push(p));
    await Promise.all(pending);
    expect(reports).toEqual([1, 4, 1]);
  });

  it('drops (and counts) a report the object cannot take, without failing the request that filled', async () => {
    const broken = {
      idFromName: (name: string) => env.GENERATIONS.idFromName(name),
      get: () => ({ recordFills: () => Promise.reject(new Error('Durable Object unreachable (injected)')) }),
    } as unknown as DurableObjectNamespace<TenantGenerations>;
    const client = new LiveEntriesClient(broken);
    const pending: Promise<unknown>[] = [];
    for (const fill of await fills('lec-broken', 3)) client.recordFill('lec-broken', fill, (p) => pending.push(p));
    await Promise.all(pending);
    expect(client.dropped).toBe(3);
  });

  it('only a stored fill is reported: hits and unstorable answers report nothing', async () => {
    const { index, keys, token, op } = await entityReads();
    const { ns, reports } = countingNamespace();
    const origin = new FakeOrigin();
    const cx = await testContext(index, keys.keys, { origin: origin.fetch, generations: ns });
    const read = async (id: string) => {
      const res = await handleGraphQL(entityRequest(op, token, id), cx, undefined, { originMs: null }).catch(toErrorResponse);
      await res.arrayBuffer();
      await settle(cx);
      return res.headers.get('x-cache');
    };
    expect(await read('lec-1')).toBe('MISS');
    expect(reports).toEqual([1]);
    expect(await read('lec-1')).toBe('HIT');
    expect(await read('lec-1')).toBe('HIT');
    origin.mode = 'no-store';
    expect(await read('lec-2')).toBe('MISS');
    origin.mode = 'error-500';
    expect(await read('lec-3')).toBe('MISS');
    expect(reports).toEqual([1]);
  });
});
