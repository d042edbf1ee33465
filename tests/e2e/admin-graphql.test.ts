import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variablesHash } from '@conductor/sdk';
import { controlPlane, edgePost } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, PLATFORM_ADMIN } from '../support/tenants.ts';

// The admin GraphQL endpoint on the real control plane, with the real edge behind its purges.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const PURGE = 'mutation($opId: String!, $varsHash: String!, $tenant: String) { purgeCache(opId: $opId, varsHash: $varsHash, tenant: $tenant) }';
const readEntity = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });
const graphql = (token: string, query: string, variables?: Record<string, unknown>) => controlPlane(stack, token, 'POST', '/graphql', { query, variables });

describe('admin GraphQL through the real stack', () => {
  it('purgeCache makes the next edge read of exactly that op and variables a MISS', async () => {
    const t = await createTenant(stack);
    const admin = await stack.token({ tenant: t.id, sub: `user:admin@${t.id}`, scopes: ['admin.write'] });
    for (const id of ['21', '22']) {
      expect((await readEntity(t.token, id)).cache).toBe('MISS');
      expect((await readEntity(t.token, id)).cache).toBe('HIT');
    }
    const reply = await graphql(admin, PURGE, { opId: OPS.EntityById.documentId, varsHash: await variablesHash({ id: '21' }) });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ data: { purgeCache: true } });
    expect((await readEntity(t.token, '21')).cache).toBe('MISS');
    expect((await readEntity(t.token, '21')).cache).toBe('HIT');
    // Only that variant: the other one is still cached.
    expect((await readEntity(t.token, '22')).cache).toBe('HIT');

    const history = await controlPlane(stack, admin, 'GET', '/v1/purges');
    expect(history.body.purges[0]).toMatchObject({ tenant: t.id, status: 'applied', actor: `user:admin@${t.id}` });
  });

  it("refuses to purge another tenant's cache, and the entry stays cached", async () => {
    const victim = await createTenant(stack);
    const attacker = await createTenant(stack);
    expect((await readEntity(victim.token, '23')).cache).toBe('MISS');
    const admin = await stack.token({ tenant: attacker.id, scopes: ['admin.write'] });
    const reply = await graphql(admin, PURGE, { opId: OPS.EntityById.documentId, varsHash: await variablesHash({ id: '23' }), tenant: victim.id });
    expect(reply.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect((await readEntity(victim.token, '23')).cache).toBe('HIT');
  });

  it('serves the demo catalog seeded at start, one ServiceOp per safelisted operation', async () => {
    const admin = await stack.token(PLATFORM_ADMIN);
    const reply = await graphql(admin, '{ serviceOps { id safelistedOperation unitCostMicros } }');
    expect(reply.status, reply.text).toBe(200);
    const linked = reply.body.data.serviceOps.map((o: { safelistedOperation: string }) => o.safelistedOperation);
    expect(linked).toEqual(expect.arrayContaining(Object.keys(OPS)));
  });
});
