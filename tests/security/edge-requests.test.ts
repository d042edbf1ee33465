import { base64url, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { edgeGet, edgePost, errorCode, type Reply } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

// Acceptance 5 at the edge: every bad request is a precise 4xx with {error:{code,message}}, and none
// of them changes state: the entry warmed before each case is still a HIT afterwards.
let stack: TestStack;
let tenant: { id: string; token: string };
const WARM_ID = '31';

beforeAll(async () => {
  stack = await startTestStack();
  tenant = await createTenant(stack);
  await readWarm();
});
afterAll(async () => {
  await stack?.stop();
});

function readWarm(token = tenant.token): Promise<Reply> {
  return edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } });
}

async function expectRejected(r: Reply, status: number, code: string): Promise<void> {
  expect(r.status, r.text).toBe(status);
  expect(errorCode(r), r.text).toBe(code);
  expect(r.body.error.message.length).toBeGreaterThan(0);
  expect(r.cache).not.toBe('HIT');
  const still = await readWarm();
  expect(still.cache, 'a rejected request changed the cache').toBe('HIT');
}

describe('malformed GraphQL requests', () => {
  it('malformed JSON → 400 BAD_JSON', async () => {
    await expectRejected(await edgePost(stack, tenant.token, '{"documentId": "sha256:'), 400, 'BAD_JSON');
  });

  it('body over the 64 KiB limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = { query: `query { entities(limit: 1) { id } } # ${'x'.repeat(70 * 1024)}` };
    await expectRejected(await edgePost(stack, tenant.token, huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('GraphQL syntax error → 400 GRAPHQL_PARSE_FAILED', async () => {
    await expectRejected(await edgePost(stack, tenant.token, { query: 'query { entity(id: "1") { id ' }), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('unknown persisted documentId → 400 PERSISTED_QUERY_NOT_FOUND', async () => {
    const r = await edgePost(stack, tenant.token, { documentId: `sha256:${'0'.repeat(64)}`, variables: { id: WARM_ID } });
    await expectRejected(r, 400, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('APQ query whose hash does not match → 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
    const r = await edgePost(stack, tenant.token, {
      query: OPS.Entities.body,
      variables: { limit: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: OPS.EntityById.hash } },
    });
    await expectRejected(r, 400, 'PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('mutation over GET → 405 METHOD_NOT_ALLOWED, by documentId and by query text', async () => {
    const vars = JSON.stringify({ id: WARM_ID, name: 'via-get' });
    await expectRejected(await edgeGet(stack, tenant.token, { documentId: OPS.UpdateEntity.documentId, variables: vars }), 405, 'METHOD_NOT_ALLOWED');
    await expectRejected(await edgeGet(stack, tenant.token, { query: OPS.UpdateEntity.body, variables: vars }), 405, 'METHOD_NOT_ALLOWED');
    // The rename did not happen.
    expect((await readWarm()).body.data.entity.name).not.toBe('via-get');
  });

  it('variables over the 16 KiB limit (body under 64 KiB) → 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await edgePost(stack, tenant.token, { documentId: OPS.EntityById.documentId, variables: { id: 'x'.repeat(20 * 1024) } });
    await expectRejected(r, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('tenant credential', () => {
  const unsigned = (claims: Record<string, unknown>) =>
    `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
  const claimsFor = (tenantId: string) => ({
    sub: `user:${tenantId}`,
    tenant: tenantId,
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
  });

  it('missing token → 401 UNAUTHENTICATED', async () => {
    await expectRejected(await edgePost(stack, null, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } }), 401, 'UNAUTHENTICATED');
  });

  it('expired token → 401 TOKEN_EXPIRED', async () => {
    const key = await importJWK(stack.secrets.privateJwk, JWT_ALG);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claimsFor(tenant.id), iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: JWT_ALG, kid: stack.secrets.privateJwk.kid })
      .sign(key);
    await expectRejected(await edgePost(stack, expired, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } }), 401, 'TOKEN_EXPIRED');
  });

  it('token signed by another key under our kid → 401 UNAUTHENTICATED', async () => {
    const { privateKey } = await generateKeyPair(JWT_ALG, { crv: 'Ed25519' });
    const forged = await new SignJWT(claimsFor(tenant.id)).setProtectedHeader({ alg: JWT_ALG, kid: stack.secrets.privateJwk.kid }).sign(privateKey);
    await expectRejected(await edgePost(stack, forged, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } }), 401, 'UNAUTHENTICATED');
  });

  it('alg:none token → 401 UNAUTHENTICATED, and it never reads the cache', async () => {
    const none = unsigned(claimsFor(tenant.id));
    const r = await edgePost(stack, none, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } });
    await expectRejected(r, 401, 'UNAUTHENTICATED');
    expect(r.text).not.toContain(`"id":"${WARM_ID}"`);
  });

  it('token from another issuer or audience → 401 UNAUTHENTICATED', async () => {
    const key = await importJWK(stack.secrets.privateJwk, JWT_ALG);
    const wrongAudience = await new SignJWT({ ...claimsFor(tenant.id), aud: 'someone-else' })
      .setProtectedHeader({ alg: JWT_ALG, kid: stack.secrets.privateJwk.kid })
      .sign(key);
    await expectRejected(await edgePost(stack, wrongAudience, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } }), 401, 'UNAUTHENTICATED');
  });
});
