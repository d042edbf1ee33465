import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PurgeReceiptSchema, type PurgeRequest, REPLAY_WINDOW_SECONDS, signWebhook } from '@conductor/sdk';
import { controlPlane, edgePost, errorCode, newPurgeId, signedPurge, type Reply } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, PLATFORM_ADMIN } from '../support/tenants.ts';

// Acceptance 5 for purges (the signed edge hook and the admin endpoint) and for admin writes. A rejected
// request must change nothing: the warmed entry is still a HIT, histories and the map are unchanged.
let stack: TestStack;
let tenant: { id: string; token: string };
const WARM_ID = '41';

beforeAll(async () => {
  stack = await startTestStack();
  tenant = await createTenant(stack);
  await readWarm();
});
afterAll(async () => {
  await stack?.stop();
});

function readWarm(): Promise<Reply> {
  return edgePost(stack, tenant.token, { documentId: OPS.EntityById.documentId, variables: { id: WARM_ID } });
}

const purgeOfWarm = (): PurgeRequest => ({ purgeId: newPurgeId(), tenant: tenant.id, mutation: { op: 'updateEntity', variables: { id: WARM_ID } } });

async function expectRejected(r: Reply, status: number, code: string): Promise<void> {
  expect(r.status, r.text).toBe(status);
  expect(errorCode(r), r.text).toBe(code);
  expect((await readWarm()).cache, 'a rejected purge bumped a generation').toBe('HIT');
}

describe('signature of the edge purge hook', () => {
  it('no signature → 401 SIGNATURE_MISSING', async () => {
    await expectRejected(await signedPurge(stack, purgeOfWarm(), { signature: null }), 401, 'SIGNATURE_MISSING');
  });

  it('garbled signature header → 401 SIGNATURE_MALFORMED', async () => {
    await expectRejected(await signedPurge(stack, purgeOfWarm(), { signature: 'sha256=deadbeef' }), 401, 'SIGNATURE_MALFORMED');
  });

  it('signed with another secret → 401 SIGNATURE_INVALID', async () => {
    await expectRejected(await signedPurge(stack, purgeOfWarm(), { secret: 'not-the-edge-secret-0123456789' }), 401, 'SIGNATURE_INVALID');
  });

  it('body changed after signing → 401 SIGNATURE_INVALID', async () => {
    const signedFor = purgeOfWarm();
    const signature = await signWebhook(stack.secrets.purgeSecret, JSON.stringify(signedFor));
    const tampered = JSON.stringify({ ...signedFor, all: true, mutation: undefined });
    await expectRejected(await signedPurge(stack, signedFor, { signature, rawBody: tampered }), 401, 'SIGNATURE_INVALID');
  });

  it('a validly signed request replayed outside the window → 401 SIGNATURE_EXPIRED', async () => {
    const old = Math.floor(Date.now() / 1000) - REPLAY_WINDOW_SECONDS - 60;
    await expectRejected(await signedPurge(stack, purgeOfWarm(), { nowSeconds: old }), 401, 'SIGNATURE_EXPIRED');
  });

  it('the same purgeId again → duplicate receipt, nothing bumped a second time', async () => {
    const request = purgeOfWarm();
    const first = await signedPurge(stack, request);
    expect(first.status, first.text).toBe(200);
    const firstReceipt = PurgeReceiptSchema.parse(first.body);
    expect(firstReceipt.duplicate).toBe(false);
    expect((await readWarm()).cache).toBe('MISS');
    expect((await readWarm()).cache).toBe('HIT');

    // A retry, freshly signed as a real retrying client would (inside the window).
    const again = await signedPurge(stack, request);
    expect(again.status, again.text).toBe(200);
    const secondReceipt = PurgeReceiptSchema.parse(again.body);
    expect(secondReceipt.duplicate).toBe(true);
    expect(secondReceipt.generations).toEqual(firstReceipt.generations);
    expect((await readWarm()).cache).toBe('HIT');
  });
});

describe('body of the edge purge hook', () => {
  it('signed but malformed JSON → 400 BAD_JSON', async () => {
    await expectRejected(await signedPurge(stack, purgeOfWarm(), { rawBody: '{"tenant":' }), 400, 'BAD_JSON');
  });

  it('without purgeId → 400 VALIDATION_FAILED', async () => {
    const { purgeId: _omitted, ...withoutId } = purgeOfWarm();
    await expectRejected(await signedPurge(stack, withoutId as PurgeRequest), 400, 'VALIDATION_FAILED');
  });

  it('mutation the invalidation map does not know → 404 UNKNOWN_OPERATION', async () => {
    const r = await signedPurge(stack, { purgeId: newPurgeId(), tenant: tenant.id, mutation: { op: 'dropAllTables', variables: {} } });
    await expectRejected(r, 404, 'UNKNOWN_OPERATION');
  });

  it('opId that is not safelisted → 404 UNKNOWN_OPERATION', async () => {
    const r = await signedPurge(stack, { purgeId: newPurgeId(), tenant: tenant.id, opId: `sha256:${'e'.repeat(64)}` });
    await expectRejected(r, 404, 'UNKNOWN_OPERATION');
  });
});

describe('admin purge on the control plane', () => {
  it("a tenant admin of A cannot purge tenant B → 403, and B's purge history is unchanged", async () => {
    const other = await createTenant(stack);
    const adminOfA = await stack.token({ tenant: tenant.id, roles: ['admin'], scopes: ['admin.write'] });
    const adminOfB = await stack.token({ tenant: other.id, roles: ['admin'], scopes: ['admin.write'] });
    const historyBefore = await controlPlane(stack, adminOfB, 'GET', `/v1/purges?tenant=${other.id}`);
    expect(historyBefore.status, historyBefore.text).toBe(200);

    const r = await controlPlane(stack, adminOfA, 'POST', '/v1/purge', { tenant: other.id, all: true });
    expect(r.status, r.text).toBe(403);
    expect(errorCode(r)).toBe('FORBIDDEN');

    const historyAfter = await controlPlane(stack, adminOfB, 'GET', `/v1/purges?tenant=${other.id}`);
    expect(historyAfter.body).toEqual(historyBefore.body);
    expect((await readWarm()).cache).toBe('HIT');
  });

  it('a token without admin.write cannot purge its own tenant → 403 FORBIDDEN', async () => {
    const reader = await stack.token({ tenant: tenant.id, roles: ['viewer'], scopes: [] });
    const r = await controlPlane(stack, reader, 'POST', '/v1/purge', { tenant: tenant.id, all: true });
    expect(r.status, r.text).toBe(403);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect((await readWarm()).cache).toBe('HIT');
  });

  it('unknown mutation through POST /v1/purge → 404 UNKNOWN_OPERATION, nothing recorded as applied', async () => {
    const admin = await stack.token({ tenant: tenant.id, roles: ['admin'], scopes: ['admin.write'] });
    const before = await controlPlane(stack, admin, 'GET', `/v1/purges?tenant=${tenant.id}`);
    const r = await controlPlane(stack, admin, 'POST', '/v1/purge', { tenant: tenant.id, mutation: { op: 'dropAllTables', variables: {} } });
    expect(r.status, r.text).toBe(404);
    expect(errorCode(r)).toBe('UNKNOWN_OPERATION');
    const after = await controlPlane(stack, admin, 'GET', `/v1/purges?tenant=${tenant.id}`);
    const applied = (page: Reply) => page.body.purges.filter((p: { status: string }) => p.status === 'applied').length;
    expect(applied(after)).toBe(applied(before));
    expect((await readWarm()).cache).toBe('HIT');
  });

  it('no token → 401 UNAUTHENTICATED', async () => {
    const r = await controlPlane(stack, null, 'POST', '/v1/purge', { tenant: tenant.id, all: true });
    expect(r.status, r.text).toBe(401);
    expect(errorCode(r)).toBe('UNAUTHENTICATED');
    expect((await readWarm()).cache).toBe('HIT');
  });
});

describe('admin writes on the control plane', () => {
  it('an invalidation selector naming a variable the operation does not declare → 400 UNDECLARED_VARIABLE, map unchanged', async () => {
    const admin = await stack.token(PLATFORM_ADMIN);
    const before = await controlPlane(stack, admin, 'GET', '/v1/invalidation-map');
    expect(before.status, before.text).toBe(200);
    const r = await controlPlane(stack, admin, 'PUT', '/v1/invalidation-map/updateEntity/EntityById', { varsSelector: { entityId: '$.id' } });
    expect(r.status, r.text).toBe(400);
    expect(errorCode(r)).toBe('UNDECLARED_VARIABLE');
    const after = await controlPlane(stack, admin, 'GET', '/v1/invalidation-map');
    expect(after.body).toEqual(before.body);
  });

  it('a tenant admin (admin.write without platform-admin) cannot change the global safelist → 403 FORBIDDEN', async () => {
    const tenantAdmin = await stack.token({ tenant: tenant.id, roles: ['admin'], scopes: ['admin.write'] });
    const r = await controlPlane(stack, tenantAdmin, 'PATCH', `/v1/safelist/${encodeURIComponent(OPS.EntityById.documentId)}`, { ttlSeconds: 0 });
    expect(r.status, r.text).toBe(403);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect((await readWarm()).cache).toBe('HIT');
  });
});
