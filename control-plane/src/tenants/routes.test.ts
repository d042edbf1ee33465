import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '@conductor/schema/contracts/tenants';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { listAudit } from '../audit/queries.ts';

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await startTestApp();
  root = await t.token(PLATFORM_ADMIN);
  for (const id of ['acme', 'globex']) {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: { id, name: id.toUpperCase() } });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.close());

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('POST /v1/tenants', () => {
  it('creates a tenant and audits it in the same transaction', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: { id: 'initech', name: 'Initech', strictSafelist: true } });
    expect(res.status).toBe(201);
    const tenant = (await res.json()) as Tenant;
    expect(tenant).toMatchObject({ id: 'initech', name: 'Initech', strictSafelist: true });
    const [entry] = await listAudit(t.db, { tenantId: 'initech', limit: 1 });
    expect(entry).toMatchObject({ actor: 'user:root', action: 'tenant.create', target: 'tenant:initech' });
  });

  it('answers 409 CONFLICT for an existing id and changes nothing', async () => {
    const before = await listAudit(t.db, { limit: 1000 });
    const res = await t.call('POST', '/v1/tenants', { token: root, body: { id: 'acme', name: 'Other' } });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('CONFLICT');
    expect(await listAudit(t.db, { limit: 1000 })).toHaveLength(before.length);
    const list = (await (await t.call('GET', '/v1/tenants', { token: root })).json()) as { tenants: Tenant[] };
    expect(list.tenants.find((x) => x.id === 'acme')?.name).toBe('ACME');
  });

  it('answers 400 VALIDATION_FAILED for a bad tenant id', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: { id: 'Bad/Id', name: 'x' } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('answers 400 VALIDATION_FAILED for unknown fields', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: { id: 'umbrella', name: 'x', owner: 'me' } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('answers 400 BAD_JSON for malformed JSON', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: '{"id": "umbrella",' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('BAD_JSON');
  });

  it('denies a tenant admin (no platform-admin role) with 403', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: await t.token(tenantAdmin('acme')), body: { id: 'umbrella', name: 'Umbrella' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.error.message).toContain('platform-admin');
  });

  it('denies a platform admin without admin.write with 403', async () => {
    const token = await t.token({ ...PLATFORM_ADMIN, scopes: ['admin.read'] });
    const res = await t.call('POST', '/v1/tenants', { token, body: { id: 'umbrella', name: 'Umbrella' } });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('FORBIDDEN');
  });
});

describe('GET /v1/tenants', () => {
  it('shows a platform admin every tenant', async () => {
    const res = await t.call('GET', '/v1/tenants', { token: root });
    const { tenants } = (await res.json()) as { tenants: Tenant[] };
    expect(tenants.map((x) => x.id)).toEqual(expect.arrayContaining(['acme', 'globex', 'initech']));
  });

  it('shows a tenant user only the tenants it belongs to', async () => {
    const res = await t.call('GET', '/v1/tenants', { token: await t.token({ ...tenantReader('acme'), tenants: ['initech'] }) });
    const { tenants } = (await res.json()) as { tenants: Tenant[] };
    expect(tenants.map((x) => x.id).sort()).toEqual(['acme', 'initech']);
  });
});

describe('PATCH /v1/tenants/:id', () => {
  it('lets a tenant admin switch its own tenant to strict safelist mode, audited', async () => {
    const res = await t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantAdmin('acme')), body: { strictSafelist: true } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Tenant).strictSafelist).toBe(true);
    const [entry] = await listAudit(t.db, { tenantId: 'acme', limit: 1 });
    expect(entry).toMatchObject({ actor: 'user:admin@acme', action: 'tenant.update', payload: { strictSafelist: true } });
  });

  it('denies a tenant admin changing another tenant (403) and changes nothing', async () => {
    const res = await t.call('PATCH', '/v1/tenants/globex', { token: await t.token(tenantAdmin('acme')), body: { name: 'Hijacked' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.error.message).toContain('globex');
    const list = (await (await t.call('GET', '/v1/tenants', { token: root })).json()) as { tenants: Tenant[] };
    expect(list.tenants.find((x) => x.id === 'globex')?.name).toBe('GLOBEX');
  });

  it('denies a tenant member without admin.write (403)', async () => {
    const res = await t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantReader('acme')), body: { name: 'Renamed' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain('admin.write');
  });

  it('answers 404 for an unknown tenant the caller may write', async () => {
    const res = await t.call('PATCH', '/v1/tenants/nobody', { token: await t.token(tenantAdmin('nobody')), body: { name: 'X' } });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('NOT_FOUND');
  });

  it('answers 400 for an empty patch', async () => {
    const res = await t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantAdmin('acme')), body: {} });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
  });
});
