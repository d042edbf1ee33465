import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { MAX_BODY_BYTES } from './app.ts';
import { PLATFORM_ADMIN, startTestApp, type TestApp } from './testing/app.ts';

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await startTestApp();
  root = await t.token(PLATFORM_ADMIN);
});
afterAll(() => t.close());

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document listing every route', async () => {
    const res = await t.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: object } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toHaveProperty('bearerAuth');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /v1/tenants',
        'POST /v1/tenants',
        'PATCH /v1/tenants/{id}',
        'GET /v1/audit',
        'GET /v1/audit/verify',
        'GET /v1/safelist',
        'GET /v1/invalidation-map',
        'GET /v1/edge/config',
        'POST /v1/purge',
        'GET /v1/purges',
        'GET /.well-known/jwks.json',
        'GET /healthz',
        'GET /v1/alerts',
        'GET /v1/alerts/notifications',
        'POST /v1/metrics/outbox-backlog',
      ]),
    );
    // Origin backlog reports authenticate by HMAC signature, not a bearer token.
    expect(doc.components.securitySchemes).toHaveProperty('conductorSignature');
    expect((doc.paths['/v1/metrics/outbox-backlog']!.post as { security: unknown }).security).toEqual([{ conductorSignature: [] }]);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('serves only public key material, which verifies tokens the app issues', async () => {
    const res = await t.call('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: t.secrets.publicJwk.kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload } = await jwtVerify(root, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    expect(payload.sub).toBe('user:root');
  });
});

describe('request handling', () => {
  it('answers /healthz after a database round trip', async () => {
    const res = await t.call('GET', '/healthz');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('rejects a body over the limit with 413 PAYLOAD_TOO_LARGE and creates nothing', async () => {
    const body = JSON.stringify({ id: 'huge', name: 'x'.repeat(MAX_BODY_BYTES) });
    const res = await t.call('POST', '/v1/tenants', { token: root, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const list = (await (await t.call('GET', '/v1/tenants', { token: root })).json()) as { tenants: unknown[] };
    expect(list.tenants).toEqual([]);
  });

  it('rejects a streamed body over the limit (no content-length) with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await t.app.request('/v1/tenants', {
      method: 'POST',
      headers: { authorization: `Bearer ${root}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('rejects an empty JSON body on POST with 400 BAD_JSON', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_JSON');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.call('GET', '/v2/nothing');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('echoes a well-formed incoming x-request-id in errors', async () => {
    const res = await t.call('POST', '/v1/tenants', { token: root, body: '{', headers: { 'x-request-id': 'trace-123' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BAD_JSON', message: 'request body is not valid JSON', requestId: 'trace-123' } });
  });
});
