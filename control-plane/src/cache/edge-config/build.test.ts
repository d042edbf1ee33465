import { describe, expect, it } from 'vitest';
import { EdgeConfigSchema } from '@conductor/schema/contracts/edge-config';
import { buildEdgeConfig, type EdgeConfigRows } from './build.ts';

const rows: EdgeConfigRows = {
  cachingEnabled: true,
  tenants: [
    { id: 'globex', strictSafelist: true },
    { id: 'acme', strictSafelist: false },
  ],
  safelist: [
    {
      id: `sha256:${'b'.repeat(64)}`,
      name: 'Entities',
      document: 'query Entities($limit: Int) { entities(limit: $limit) { id } }',
      operationType: 'query',
      ttlSeconds: 30,
      staleWhileRevalidateSeconds: 30,
      staleIfErrorSeconds: 300,
      cachingEnabled: true,
      scope: 'tenant',
      variables: ['limit'],
    },
    {
      id: `sha256:${'a'.repeat(64)}`,
      name: 'EntityById',
      document: 'query EntityById($id: ID!) { entity(id: $id) { id } }',
      operationType: 'query',
      ttlSeconds: 60,
      staleWhileRevalidateSeconds: 0,
      staleIfErrorSeconds: 0,
      cachingEnabled: true,
      scope: 'tenant',
      variables: ['id'],
    },
  ],
  invalidationMap: [
    { mutationOp: 'updateEntity', affectedOp: 'Entities', varsSelector: null },
    { mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } },
    { mutationOp: 'updateEntity', affectedOp: 'EntityById', varsSelector: { id: '$.id' } },
  ],
};
const at = new Date('2026-01-02T03:04:05.000Z');

describe('buildEdgeConfig', () => {
  it('produces a valid snapshot in a stable order', async () => {
    const config = await buildEdgeConfig(rows, at);
    expect(EdgeConfigSchema.parse(config)).toEqual(config);
    expect(config.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(config.tenants.map((t) => t.id)).toEqual(['acme', 'globex']);
    expect(config.safelist.map((o) => o.name)).toEqual(['EntityById', 'Entities']);
    expect(config.cachingEnabled).toBe(true);
    expect(config.safelist[1]).toMatchObject({ staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 300, cachingEnabled: true });
    expect(config.invalidationMap.map((e) => `${e.mutationOp}/${e.affectedOp}`)).toEqual([
      'linkEntities/Relationships',
      'updateEntity/Entities',
      'updateEntity/EntityById',
    ]);
  });

  it('has a version that is a pure function of the content', async () => {
    const a = await buildEdgeConfig(rows, at);
    const shuffled: EdgeConfigRows = {
      cachingEnabled: rows.cachingEnabled,
      tenants: [...rows.tenants].reverse(),
      safelist: [...rows.safelist].reverse(),
      invalidationMap: [...rows.invalidationMap].reverse().map((e) => ({
        ...e,
        varsSelector: e.varsSelector && Object.fromEntries(Object.entries(e.varsSelector).reverse()),
      })),
    };
    const b = await buildEdgeConfig(shuffled, new Date('2030-01-01T00:00:00Z'));
    expect(b.version).toBe(a.version);
    expect(a.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('pins the version of a fixed snapshot', async () => {
    const empty = await buildEdgeConfig({ cachingEnabled: true, tenants: [], safelist: [], invalidationMap: [] }, at);
    // sha256('{"cachingEnabled":true,"invalidationMap":[],"safelist":[],"tenants":[]}')
    expect(empty.version).toBe('8ba829e7cdbbb4aff5e8c9a2e48d5f18739da948244eb8901dc05fccc34db1b6');
  });

  it('ignores columns outside the contract', async () => {
    const withExtras = {
      ...rows,
      tenants: rows.tenants.map((t) => ({ ...t, name: 'x', createdAt: new Date() })),
    };
    expect((await buildEdgeConfig(withExtras, at)).version).toBe((await buildEdgeConfig(rows, at)).version);
  });

  it.each<[string, (r: EdgeConfigRows) => EdgeConfigRows]>([
    ['a tenant turns strict', (r) => ({ ...r, tenants: r.tenants.map((t) => ({ ...t, strictSafelist: true })) })],
    ['a tenant is added', (r) => ({ ...r, tenants: [...r.tenants, { id: 'initech', strictSafelist: false }] })],
    ['a TTL changes', (r) => ({ ...r, safelist: r.safelist.map((o, i) => (i === 0 ? { ...o, ttlSeconds: o.ttlSeconds + 1 } : o)) })],
    ['a stale-while-revalidate window changes', (r) => ({ ...r, safelist: r.safelist.map((o, i) => (i === 1 ? { ...o, staleWhileRevalidateSeconds: 10 } : o)) })],
    ['a stale-if-error window changes', (r) => ({ ...r, safelist: r.safelist.map((o, i) => (i === 1 ? { ...o, staleIfErrorSeconds: 10 } : o)) })],
    ['caching is switched off for an operation', (r) => ({ ...r, safelist: r.safelist.map((o, i) => (i === 0 ? { ...o, cachingEnabled: false } : o)) })],
    ['caching is switched off everywhere', (r) => ({ ...r, cachingEnabled: false })],
    ['a scope changes', (r) => ({ ...r, safelist: r.safelist.map((o, i) => (i === 0 ? { ...o, scope: 'user' as const } : o)) })],
    ['an operation is removed', (r) => ({ ...r, safelist: r.safelist.slice(1) })],
    ['a selector path changes', (r) => ({ ...r, invalidationMap: r.invalidationMap.map((e) => (e.varsSelector ? { ...e, varsSelector: { ...e.varsSelector, id: '$.input.id' } } : e)) })],
    ['a selector becomes null', (r) => ({ ...r, invalidationMap: r.invalidationMap.map((e) => ({ ...e, varsSelector: null })) })],
    ['an entry is removed', (r) => ({ ...r, invalidationMap: r.invalidationMap.slice(1) })],
  ])('changes the version when %s', async (_, change) => {
    const before = await buildEdgeConfig(rows, at);
    const after = await buildEdgeConfig(change(rows), at);
    expect(after.version).not.toBe(before.version);
  });
});
