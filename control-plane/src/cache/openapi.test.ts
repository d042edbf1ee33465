import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('/openapi.json', () => {
  it('documents every cache route with its request schema', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown; responses: Record<string, unknown> }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /v1/safelist',
        'POST /v1/safelist',
        'POST /v1/safelist/manifest',
        'GET /v1/safelist/{id}',
        'PATCH /v1/safelist/{id}',
        'DELETE /v1/safelist/{id}',
        'GET /v1/invalidation-map',
        'PUT /v1/invalidation-map/{mutationOp}/{affectedOp}',
        'DELETE /v1/invalidation-map/{mutationOp}/{affectedOp}',
        'GET /v1/edge/config',
        'POST /v1/purge',
        'GET /v1/purges',
        'GET /v1/cache/controls',
        'PUT /v1/cache/controls/caching',
        'PUT /v1/cache/controls/operations/{name}/caching',
        'GET /v1/cache/ttl-recommendations',
        'POST /v1/cache/ttl-recommendations/{opName}/accept',
      ]),
    );
    expect(doc.paths['/v1/safelist/manifest']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/v1/edge/config']?.get?.responses).toHaveProperty('304');
    expect(doc.paths['/v1/purge']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/cache/ttl-recommendations/{opName}/accept']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/v1/cache/controls/caching']?.put?.security).toEqual([{ bearerAuth: [] }]);
  });
});
