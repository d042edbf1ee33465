import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeConfigSchema, type EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { seedDemo } from '../../seed/demo.ts';
import { EDGE_CONFIG_READER, PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';

let t: TestApp;
let admin: string;
let edge: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.db);
  admin = await t.token(PLATFORM_ADMIN);
  edge = await t.token(EDGE_CONFIG_READER);
});
afterAll(() => t.close());

async function pull(headers: Record<string, string> = {}): Promise<Response> {
  return t.call('GET', '/v1/edge/config', { token: edge, headers });
}

describe('GET /v1/edge/config', () => {
  it('serves the seeded snapshot with its version as ETag', async () => {
    const res = await pull();
    expect(res.status).toBe(200);
    const config = EdgeConfigSchema.parse(await res.json());
    expect(res.headers.get('etag')).toBe(`"${config.version}"`);
    expect(config.tenants).toEqual([
      { id: 'acme', strictSafelist: false },
      { id: 'globex', strictSafelist: true },
    ]);
    expect(config.cachingEnabled).toBe(true);
    expect(config.safelist.find((o) => o.name === 'EntityById')).toMatchObject({
      operationType: 'query',
      ttlSeconds: 60,
      staleWhileRevalidateSeconds: 30,
      staleIfErrorSeconds: 300,
      cachingEnabled: true,
      scope: 'tenant',
      variables: ['id'],
    });
    expect(config.safelist.find((o) => o.name === 'UpdateEntity')).toMatchObject({ operationType: 'mutation', variables: ['id', 'name'] });
    expect(config.invalidationMap).toEqual([
      { mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } },
      { mutationOp: 'updateEntity', affectedOp: 'Entities', varsSelector: null },
      { mutationOp: 'updateEntity', affectedOp: 'EntityById', varsSelector: { id: '$.id' } },
    ]);
  });

  it('answers 304 without a body while nothing changed, for strong, weak and listed tags', async () => {
    const etag = (await pull()).headers.get('etag')!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await pull({ 'if-none-match': header });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    }
    expect((await pull({ 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('gets a new version after each kind of write, and 304 stops matching', async () => {
    const versions = new Set<string>();
    const current = async () => {
      const res = await pull();
      const config = (await res.json()) as EdgeConfig;
      return config;
    };
    let before = await current();
    versions.add(before.version);
    const writes: [string, () => Promise<Response>][] = [
      ['ttl', async () => t.call('PATCH', `/v1/safelist/${before.safelist.find((o) => o.name === 'Entities')!.id}`, { token: admin, body: { ttlSeconds: 5 } })],
      ['stale window', async () => t.call('PATCH', `/v1/safelist/${before.safelist.find((o) => o.name === 'Entities')!.id}`, { token: admin, body: { staleIfErrorSeconds: 5 } })],
      ['operation switch', () => t.call('PUT', '/v1/cache/controls/operations/Entities/caching', { token: admin, body: { enabled: false } })],
      ['global switch', () => t.call('PUT', '/v1/cache/controls/caching', { token: admin, body: { enabled: false } })],
      ['new operation', () => t.call('POST', '/v1/safelist', { token: admin, body: { document: 'query Count { count }', ttlSeconds: 5 } })],
      ['selector', () => t.call('PUT', '/v1/invalidation-map/updateEntity/EntityById', { token: admin, body: { varsSelector: null } })],
      ['strict mode', async () => t.call('PATCH', '/v1/tenants/acme', { token: await t.token(tenantAdmin('acme')), body: { strictSafelist: true } })],
    ];
    for (const [what, write] of writes) {
      const res = await write();
      expect(res.status, what).toBeLessThan(300);
      expect((await pull({ 'if-none-match': `"${before.version}"` })).status, what).toBe(200);
      const after = await current();
      expect(versions.has(after.version), what).toBe(false);
      versions.add(after.version);
      before = after;
    }
    expect(before.tenants.find((x) => x.id === 'acme')?.strictSafelist).toBe(true);
  });

  it('keeps its version when a write changes nothing', async () => {
    await seedDemo(t.db);
    const { version } = (await (await pull()).json()) as EdgeConfig;
    await t.call('PUT', '/v1/invalidation-map/updateEntity/Entities', { token: admin, body: { varsSelector: {} } });
    await seedDemo(t.db);
    const again = (await (await pull()).json()) as EdgeConfig;
    expect(again.version).toBe(version);
  });

  it('needs a token that may read platform config', async () => {
    const nobody = await t.token({ tenant: 'acme', sub: 'user:someone' });
    await expectError(await t.call('GET', '/v1/edge/config', { token: nobody }), 403, 'FORBIDDEN');
    await expectError(await t.call('GET', '/v1/edge/config'), 401, 'UNAUTHENTICATED');
    expect((await t.call('GET', '/v1/edge/config', { token: await t.token(tenantAdmin('acme')) })).status).toBe(200);
  });
});
