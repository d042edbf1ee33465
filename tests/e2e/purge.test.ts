import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldPurgeId, FORWARDED_PURGE_ID_HEADER, newForwardedPurgeId, PurgeReceiptSchema, variablesHash } from '@conductor/sdk';
import { controlPlane, edgePost, newPurgeId, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

// "After a purge receipt the very next read is a MISS", for every way a purge can arrive.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// The CLI as npm installs it for a user of the project: the control plane package's bin, linked into node_modules/.bin.
const CLI = fileURLToPath(new URL('../../node_modules/.bin/conductor', import.meta.url));
// The CLI finds the dev secret through CONDUCTOR_DATA_DIR; an inherited PURGE_SIGNING_SECRET would win over it.
function cliEnv(): NodeJS.ProcessEnv {
  const { PURGE_SIGNING_SECRET: _ignored, ...env } = process.env;
  return { ...env, CONDUCTOR_DATA_DIR: stack.dataDir };
}
const readEntity = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });

async function warm(token: string, id: string): Promise<void> {
  expect((await readEntity(token, id)).cache).toBe('MISS');
  expect((await readEntity(token, id)).cache).toBe('HIT');
}

describe('purge through the signed edge hook', () => {
  it('mutation form: resolves the invalidation map, answers a receipt, next read is a MISS', async () => {
    const t = await createTenant(stack);
    await warm(t.token, '11');
    const purgeId = newPurgeId();
    const res = await signedPurge(stack, { purgeId, tenant: t.id, mutation: { op: 'updateEntity', variables: { id: '11', name: 'x' } } });
    expect(res.status, res.text).toBe(200);
    const receipt = PurgeReceiptSchema.parse(res.body);
    expect(receipt).toMatchObject({ purgeId, tenant: t.id, duplicate: false });
    expect(receipt.tags.length).toBeGreaterThan(0);
    expect((await readEntity(t.token, '11')).cache).toBe('MISS');
    expect((await readEntity(t.token, '11')).cache).toBe('HIT');
  });

  it('opId + varsHash form purges exactly that variant', async () => {
    const t = await createTenant(stack);
    await warm(t.token, '12');
    await warm(t.token, '13');
    const res = await signedPurge(stack, {
      purgeId: newPurgeId(),
      tenant: t.id,
      opId: OPS.EntityById.documentId,
      varsHash: await variablesHash({ id: '12' }),
    });
    expect(res.status, res.text).toBe(200);
    expect((await readEntity(t.token, '12')).cache).toBe('MISS');
    expect((await readEntity(t.token, '13')).cache).toBe('HIT');
  });

  it('opId form purges every variant of the operation, all:true the whole tenant', async () => {
    const t = await createTenant(stack);
    const other = await createTenant(stack);
    await warm(t.token, '14');
    await warm(t.token, '15');
    await warm(other.token, '14');
    const byOp = await signedPurge(stack, { purgeId: newPurgeId(), tenant: t.id, opId: OPS.EntityById.documentId });
    expect(byOp.status, byOp.text).toBe(200);
    expect((await readEntity(t.token, '14')).cache).toBe('MISS');
    expect((await readEntity(t.token, '15')).cache).toBe('MISS');
    // Purges are per tenant.
    expect((await readEntity(other.token, '14')).cache).toBe('HIT');

    const list = () => edgePost(stack, t.token, { documentId: OPS.Entities.documentId, variables: { limit: 2 } });
    await list();
    expect((await list()).cache).toBe('HIT');
    const all = await signedPurge(stack, { purgeId: newPurgeId(), tenant: t.id, all: true });
    expect(all.status, all.text).toBe(200);
    expect((await list()).cache).toBe('MISS');
    expect((await readEntity(t.token, '14')).cache).toBe('MISS');
  });
});

describe('purge through the control plane', () => {
  it('POST /v1/purge with a tenant admin token forwards to the edge and records the receipt', async () => {
    const t = await createTenant(stack);
    await warm(t.token, '16');
    const admin = await stack.token({ tenant: t.id, roles: ['admin'], scopes: ['admin.write'] });
    const res = await controlPlane(stack, admin, 'POST', '/v1/purge', { tenant: t.id, mutation: { op: 'updateEntity', variables: { id: '16', name: 'y' } } });
    expect(res.status, res.text).toBe(200);
    const receipt = PurgeReceiptSchema.parse(res.body);
    expect(receipt.tenant).toBe(t.id);
    expect((await readEntity(t.token, '16')).cache).toBe('MISS');

    const history = await controlPlane(stack, admin, 'GET', `/v1/purges?tenant=${t.id}`);
    expect(history.status, history.text).toBe(200);
    expect(JSON.stringify(history.body)).toContain(receipt.purgeId);
  });
});

describe('purge through the CLI', () => {
  it('`conductor purge --mutation` signs the hook with the dev secret and prints the receipt', async () => {
    const t = await createTenant(stack);
    await warm(t.token, '17');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'purge', '--tenant', t.id, '--mutation', 'updateEntity', '--vars', JSON.stringify({ id: '17', name: 'z' }), '--edge', stack.edgeUrl],
      { env: cliEnv(), timeout: 30_000 },
    );
    const receipt = PurgeReceiptSchema.parse(JSON.parse(stdout));
    expect(receipt.tenant).toBe(t.id);
    expect((await readEntity(t.token, '17')).cache).toBe('MISS');
  });
});

describe('purge from the origin mutation handler', () => {
  it('a mutation sent to the origin directly purges the edge before it answers', async () => {
    const t = await createTenant(stack);
    await warm(t.token, '18');
    const res = await fetch(`${stack.originUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
      body: JSON.stringify({ query: OPS.UpdateEntity.body, variables: { id: '18', name: `direct-${t.id}` } }),
    });
    expect(res.status).toBe(200);
    const after = await readEntity(t.token, '18');
    expect(after.cache).toBe('MISS');
    expect(after.body.data.entity.name).toBe(`direct-${t.id}`);
  });
});

describe('a mutation is invalidated once', () => {
  const entityTag = `op:${OPS.EntityById.documentId}|id="21"`;
  /** The entity's generation after one more purge of it: each purge moves it by one. */
  async function generationAfterPurge(tenant: string): Promise<number> {
    const res = await signedPurge(stack, { purgeId: newPurgeId(), tenant, mutation: { op: 'updateEntity', variables: { id: '21', name: 'probe' } } });
    expect(res.status, res.text).toBe(200);
    return PurgeReceiptSchema.parse(res.body).generations[entityTag]!;
  }

  it('through the edge: the origin purges under the id the edge purges under, so the ledger applies it once', async () => {
    const t = await createTenant(stack);
    const before = await generationAfterPurge(t.id);
    await warm(t.token, '21');
    const m = await edgePost(stack, t.token, { documentId: OPS.UpdateEntity.documentId, variables: { id: '21', name: `once-${t.id}` } });
    expect(m.status, m.text).toBe(200);
    // The origin's purge landed first (it waits for its receipt before answering) and applied.
    const [purge] = m.body.extensions.purge.purges;
    expect(purge).toMatchObject({ status: 'applied', duplicate: false, purgeId: expect.stringMatching(/^edge-mutation:[0-9a-f-]{36}:updateEntity$/) });
    const after = await readEntity(t.token, '21');
    expect(after.cache).toBe('MISS');
    expect(after.body.data.entity.name).toBe(`once-${t.id}`);
    // One bump for the mutation (the edge's own was answered `duplicate`), one for this probe.
    expect(await generationAfterPurge(t.id)).toBe(before + 2);
  });

  it('called directly with a forwarded id it cannot trust, the origin purges under an id of its own', async () => {
    const t = await createTenant(stack);
    // An id already in the tenant's ledger: honoured, it would make this write's purge a `duplicate` that bumps nothing.
    const replayed = newForwardedPurgeId();
    expect((await signedPurge(stack, { purgeId: await fieldPurgeId(replayed, 'updateEntity'), tenant: t.id, opId: OPS.Entities.documentId })).status).toBe(200);
    await warm(t.token, '22');
    const res = await fetch(`${stack.originUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}`, [FORWARDED_PURGE_ID_HEADER]: replayed },
      body: JSON.stringify({ query: OPS.UpdateEntity.body, variables: { id: '22', name: `direct-${t.id}` } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { extensions: { purge: { purges: Array<{ purgeId: string; duplicate: boolean }> } } };
    expect(body.extensions.purge.purges[0]).toMatchObject({ duplicate: false, purgeId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await readEntity(t.token, '22')).cache).toBe('MISS');
  });
});
