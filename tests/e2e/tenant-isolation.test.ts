import { afterAll, beforeAll, expect, it } from 'vitest';
import { edgePost } from '../support/http.ts';
import { OPS, type DemoOperation } from '../support/operations.ts';
import { pick, prng } from '../support/prng.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

// A cache keyed wrongly leaks one tenant's data to another; this drives many tenants through the same
// operations and variables, in a random interleaving, and checks every body against the origin's answer.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const SEED = Number(process.env.ISOLATION_SEED ?? 20261126);
const REQUESTS = 360;
const CONCURRENCY = 8;

interface Variant {
  op: DemoOperation;
  variables: Record<string, unknown>;
}

const variants: Variant[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ op: OPS.EntityById, variables: { id: String(i + 1) } })),
  ...[1, 3, 5].map((limit) => ({ op: OPS.Entities, variables: { limit } })),
  ...Array.from({ length: 6 }, (_, i) => ({ op: OPS.Relationships, variables: { entityId: String(i + 1) } })),
];

it(`never serves one tenant's body to another (seed ${SEED})`, async () => {
  const rand = prng(SEED);
  const created = await Promise.all(Array.from({ length: 4 }, () => createTenant(stack, { prefix: 'iso' })));
  const tenants = [
    ...created,
    { id: 'acme', token: await stack.token({ tenant: 'acme' }) },
    { id: 'globex', token: await stack.token({ tenant: 'globex' }) },
  ];

  // The oracle: what the origin itself answers each tenant, asked directly (no edge in between).
  const oracle = new Map<string, unknown>();
  async function expected(tenant: { id: string; token: string }, v: Variant): Promise<unknown> {
    const key = `${tenant.id}|${v.op.documentId}|${JSON.stringify(v.variables)}`;
    if (!oracle.has(key)) {
      const res = await fetch(`${stack.originUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` },
        body: JSON.stringify({ query: v.op.body, variables: v.variables }),
      });
      expect(res.status).toBe(200);
      oracle.set(key, await res.json());
    }
    return oracle.get(key);
  }

  const plan = Array.from({ length: REQUESTS }, () => ({ tenant: pick(rand, tenants), variant: pick(rand, variants) }));
  const outcomes: string[] = [];
  for (let i = 0; i < plan.length; i += CONCURRENCY) {
    await Promise.all(
      plan.slice(i, i + CONCURRENCY).map(async ({ tenant, variant }) => {
        const r = await edgePost(stack, tenant.token, { documentId: variant.op.documentId, variables: variant.variables });
        expect(r.status, r.text).toBe(200);
        outcomes.push(r.cache ?? 'none');
        const context = `tenant ${tenant.id}, ${variant.op.documentId.slice(0, 15)} ${JSON.stringify(variant.variables)}, x-cache ${r.cache}`;
        for (const name of entityNames(r.body)) {
          for (const other of tenants) {
            if (other.id !== tenant.id) expect(name, context).not.toContain(other.id);
          }
        }
        expect(r.body, context).toEqual(await expected(tenant, variant));
      }),
    );
  }
  // The run only proves something if the cache actually served most of it.
  expect(outcomes.filter((c) => c === 'HIT').length).toBeGreaterThan(REQUESTS / 3);
  // Concurrent misses for one key share an origin fetch (COALESCED); nothing here may bypass the cache.
  expect(outcomes.filter((c) => !['HIT', 'MISS', 'COALESCED'].includes(c))).toEqual([]);
});

function entityNames(body: any): string[] {
  const data = body?.data ?? {};
  const entities = [data.entity, ...(data.entities ?? [])].filter(Boolean);
  return entities.map((e: { name: string }) => e.name);
}
