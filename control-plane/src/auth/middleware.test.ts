import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { expectError } from '../testing/api-error.ts';
import { startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('requireAuth', () => {
  it('rejects a request without a token', async () => {
    await expectError(await t.call('GET', '/v1/tenants'), 401, 'UNAUTHENTICATED');
  });

  it('rejects a non-bearer authorization header', async () => {
    await expectError(await t.call('GET', '/v1/tenants', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'UNAUTHENTICATED');
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const token = await t.token({ ...tenantAdmin('acme'), ttl: -60 });
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'TOKEN_EXPIRED');
  });

  it('rejects a token signed by another key, even with our kid', async () => {
    const other = await generateSecrets();
    const token = await mintToken({ ...other.privateJwk, kid: t.secrets.publicJwk.kid }, tenantAdmin('acme'));
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'UNAUTHENTICATED');
  });

  it('rejects alg:none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'user:x', tenant: 'acme', scopes: ['admin.write'], iss: 'conductor-control-plane', aud: 'conductor', iat: now, exp: now + 600 };
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'UNAUTHENTICATED');
  });

  it('rejects a tampered payload', async () => {
    const token = await t.token(tenantAdmin('acme'));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64url({ sub: 'user:x', tenant: 'globex', iss: 'conductor-control-plane', aud: 'conductor' })}.${signature}`;
    await expectError(await t.call('GET', '/v1/tenants', { token: forged }), 401, 'UNAUTHENTICATED');
  });

  it('rejects a valid signature over claims without a tenant', async () => {
    const { SignJWT, importJWK } = await import('jose');
    const key = await importJWK(t.secrets.privateJwk, 'EdDSA');
    const token = await new SignJWT({ scopes: ['admin.write'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: t.secrets.privateJwk.kid })
      .setSubject('user:x')
      .setIssuer('conductor-control-plane')
      .setAudience('conductor')
      .setExpirationTime('5m')
      .sign(key);
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'UNAUTHENTICATED');
  });

  it('rejects a token for another audience', async () => {
    const { SignJWT, importJWK } = await import('jose');
    const key = await importJWK(t.secrets.privateJwk, 'EdDSA');
    const token = await new SignJWT({ tenant: 'acme', scopes: ['admin.write'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: t.secrets.privateJwk.kid })
      .setSubject('user:x')
      .setIssuer('conductor-control-plane')
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(key);
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'UNAUTHENTICATED');
  });

  it('rejects a token whose subject claims to be automation', async () => {
    const token = await t.token({ ...tenantAdmin('acme'), sub: 'automation:metrics-retention' });
    await expectError(await t.call('GET', '/v1/tenants', { token }), 401, 'UNAUTHENTICATED');
  });

  it('accepts a valid token', async () => {
    const res = await t.call('GET', '/v1/tenants', { token: await t.token(tenantAdmin('acme')) });
    expect(res.status).toBe(200);
  });
});

describe('authorize', () => {
  it('answers a denial with 403 FORBIDDEN explained by the policy that denied it', async () => {
    const res = await t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantReader('acme')), body: { name: 'Renamed' } });
    expect(await expectError(res, 403, 'FORBIDDEN')).toBe('write on tenant "acme" requires scope admin.write (policy change-needs-admin-write)');
  });

  it('lets the request through to the route when Cedar allows (here: no such tenant yet)', async () => {
    const res = await t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantAdmin('acme')), body: { name: 'Acme' } });
    await expectError(res, 404, 'NOT_FOUND');
  });
});
