import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { fieldPurgeId, FORWARDED_PURGE_ID_HEADER, FORWARDED_PURGE_SIGNATURE_HEADER, signWebhook, verifiedForwardedPurgeId } from '@conductor/sdk';
import { demoConfig, opByName, settle, signer, testContext, type Signer, type TestContext } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import { toErrorResponse } from '../http/errors.ts';
import type { Fetch } from '../origin/forward.ts';
import { handlePurge } from '../purge/hook.ts';
import { handleGraphQL } from './handle-graphql.ts';

// A mutation through the edge is invalidated by the edge after the origin answers, and by the
// origin's own purge: both under the same per-field purge id, so the tenant's ledger applies it once.
const SECRET = 'test-purge-secret-0123456789abcdef';
let config: EdgeConfig;
let keys: Signer;
let token: string;

beforeAll(async () => {
  config = await demoConfig();
  keys = await signer();
  token = await keys.token({ tenant: 'acme' });
});

/** When the stand-in origin sends its purge of each written field, relative to its answer. */
type OriginPurges = 'before-answer' | 'after-answer' | 'never';

/**
 * An origin that writes and purges as examples/origin does: for each root field it names, a signed
 * purge through the edge's hook, under the forwarded id when the edge signed one.
 */
function purgingOrigin(cx: () => TestContext, when: OriginPurges) {
  const seen: Array<{ forwarded: string | null }> = [];
  const late: Array<() => Promise<void>> = [];
  /** The receipts its purges got back: `duplicate` when the edge had applied that id already. */
  const receipts: Array<{ purgeId: string; duplicate: boolean }> = [];
  const fetch: Fetch = async (_input, init) => {
    const headers = init.headers as Record<string, string>;
    const forwarded = await verifiedForwardedPurgeId(SECRET, headers[FORWARDED_PURGE_ID_HEADER], headers[FORWARDED_PURGE_SIGNATURE_HEADER]);
    seen.push({ forwarded });
    const { query, variables } = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    // The fields this test sends: `key: updateEntity(id: …)`, with the ids in the variables or inline.
    const fields = [...query.matchAll(/(\w+): updateEntity\(id: (?:\$id|"(\d+)")/g)].map((m) => ({ key: m[1]!, id: m[2] ?? String(variables.id) }));
    const data: Record<string, unknown> = {};
    for (const f of fields) {
      data[f.key] = { id: f.id };
      const purge = async () => {
        const body = JSON.stringify({
          purgeId: forwarded ? await fieldPurgeId(forwarded, f.key) : `origin-${crypto.randomUUID()}`,
          tenant: 'acme',
          mutation: { op: 'updateEntity', variables: { id: f.id, name: 'n' } },
        });
        const req = new Request('https://edge.test/__edge/purge', { method: 'POST', headers: { 'x-conductor-signature': await signWebhook(SECRET, body) }, body });
        const res = await handlePurge(req, cx());
        expect(res.status).toBe(200);
        receipts.push((await res.json()) as { purgeId: string; duplicate: boolean });
      };
      if (when === 'before-answer') await purge();
      if (when === 'after-answer') late.push(purge);
    }
    return Response.json({ data });
  };
  return { fetch, seen, late, receipts };
}

async function mutation(cx: TestContext, query: string, variables: Record<string, unknown>): Promise<Response> {
  const req = new Request('https://edge.test/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return handleGraphQL(req, cx, undefined, { originMs: null }).catch(toErrorResponse);
}

async function generationOf(cx: TestContext, id: string): Promise<number> {
  const tag = `op:${opByName(config, 'EntityById').id}|id="${id}"`;
  return (await cx.generations.read('acme', [tag])).generations[tag]!;
}

const ONE = 'mutation Rename($id: ID!) { renamed: updateEntity(id: $id, name: "n") { id } }';

describe('a mutation through the edge is invalidated once', () => {
  it.each(['before-answer', 'after-answer', 'never'] as const)('origin purges %s: the entity generation moves by exactly one', async (when) => {
    let cx!: TestContext;
    const origin = purgingOrigin(() => cx, when);
    cx = await testContext(indexConfig(config), keys.keys, { origin: origin.fetch });
    const id = String(100 + ['before-answer', 'after-answer', 'never'].indexOf(when));
    const before = await generationOf(cx, id);

    const res = await mutation(cx, ONE, { id });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-conductor-invalidation')).toBeNull();
    for (const purge of origin.late) await purge();
    await settle(cx);

    // The origin was told a signed id, and purged under the field's id derived from it.
    expect(origin.seen).toHaveLength(1);
    expect(origin.seen[0]!.forwarded).toMatch(/^edge-mutation:[0-9a-f-]{36}$/);
    const fieldId = await fieldPurgeId(origin.seen[0]!.forwarded!, 'renamed');
    // First to arrive applies; the other is answered from the ledger.
    expect(origin.receipts).toEqual(when === 'never' ? [] : [expect.objectContaining({ purgeId: fieldId, duplicate: when === 'after-answer' })]);
    expect(await generationOf(cx, id)).toBe(before + 1);
  });

  it('several root fields: one purge id per response key, each applied once', async () => {
    let cx!: TestContext;
    const origin = purgingOrigin(() => cx, 'before-answer');
    cx = await testContext(indexConfig(config), keys.keys, { origin: origin.fetch });
    const before = [await generationOf(cx, '201'), await generationOf(cx, '202')];
    const res = await mutation(cx, 'mutation { a: updateEntity(id: "201", name: "n") { id } b: updateEntity(id: "202", name: "n") { id } }', {});
    expect(res.status).toBe(200);
    expect([await generationOf(cx, '201'), await generationOf(cx, '202')]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('an origin that purges under ids of its own is not deduplicated (the edge still applies its own)', async () => {
    let cx!: TestContext;
    const origin = purgingOrigin(() => cx, 'before-answer');
    // The origin does not see the forwarded id (a proxy in between dropped the headers).
    const stripping: Fetch = (input, init) => {
      const { [FORWARDED_PURGE_ID_HEADER]: _id, [FORWARDED_PURGE_SIGNATURE_HEADER]: _sig, ...headers } = init.headers as Record<string, string>;
      return origin.fetch(input, { ...init, headers });
    };
    cx = await testContext(indexConfig(config), keys.keys, { origin: stripping });
    const before = await generationOf(cx, '301');
    expect((await mutation(cx, ONE, { id: '301' })).status).toBe(200);
    expect(origin.seen[0]!.forwarded).toBeNull();
    expect(await generationOf(cx, '301')).toBe(before + 2);
  });
});
