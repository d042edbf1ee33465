import { describe, expect, it } from 'vitest';
import { ENTITY_COUNT, GraphStore, TenantGraph } from './store.ts';

const fixedClock = () => new Date('2026-06-01T12:00:00.000Z');

describe('TenantGraph seed', () => {
  it('is deterministic: two stores generate identical graphs', () => {
    const a = new GraphStore(fixedClock).tenant('acme');
    const b = new GraphStore(fixedClock).tenant('acme');
    expect([...a.entities.values()]).toEqual([...b.entities.values()]);
    expect(a.relationships).toEqual(b.relationships);
  });

  it('has entities 1…100 whose names carry the tenant id', () => {
    const graph = new TenantGraph('initech', fixedClock);
    expect([...graph.entities.keys()]).toEqual(Array.from({ length: ENTITY_COUNT }, (_, i) => String(i + 1)));
    for (const entity of graph.entities.values()) expect(entity.name).toMatch(/^initech · \w+ \d+$/);
  });

  it('pins the seed of a demo entity', () => {
    expect(new TenantGraph('acme', fixedClock).entity('7')).toEqual({
      id: '7',
      name: 'acme · Sensor 7',
      kind: 'Sensor',
      updatedAt: '2026-01-01T00:07:00.000Z',
    });
  });

  it('gives different tenants different data for the same id', () => {
    const acme = new TenantGraph('acme', fixedClock).entity('1');
    const globex = new TenantGraph('globex', fixedClock).entity('1');
    expect(acme!.name).not.toBe(globex!.name);
  });

  it('seeds relationships between existing entities only, a few per entity', () => {
    const graph = new TenantGraph('acme', fixedClock);
    for (const r of graph.relationships) {
      expect(graph.entity(r.from)).toBeDefined();
      expect(graph.entity(r.to)).toBeDefined();
      expect(r.from).not.toBe(r.to);
    }
    for (let n = 1; n <= ENTITY_COUNT; n++) expect(graph.relationshipsOf(String(n)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('TenantGraph reads', () => {
  const graph = new TenantGraph('acme', fixedClock);

  it('lists 20 entities by default, honours a limit, caps at 100', () => {
    expect(graph.list()).toHaveLength(20);
    expect(graph.list(5).map((e) => e.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(graph.list(0)).toEqual([]);
    expect(graph.list(1_000)).toHaveLength(100);
  });

  it('rejects a negative limit', () => {
    expect(() => graph.list(-1)).toThrow(/limit/);
  });

  it('returns undefined for an unknown id', () => {
    expect(graph.entity('101')).toBeUndefined();
    expect(graph.relationshipsOf('nope')).toEqual([]);
  });
});

describe('TenantGraph writes', () => {
  it('renames an entity, keeps the tenant in the name and stamps updatedAt', () => {
    const graph = new TenantGraph('acme', fixedClock);
    expect(graph.updateEntity('3', 'Relay North')).toMatchObject({ name: 'acme · Relay North', updatedAt: '2026-06-01T12:00:00.000Z' });
    expect(graph.updateEntity('3', 'acme relay')).toMatchObject({ name: 'acme relay' });
    expect(graph.entity('3')!.name).toBe('acme relay');
  });

  it('refuses an unknown id or an empty name', () => {
    const graph = new TenantGraph('acme', fixedClock);
    expect(() => graph.updateEntity('404', 'x')).toThrow(/does not exist/);
    expect(() => graph.updateEntity('1', '  ')).toThrow(/empty/);
  });

  it('links two entities with a fresh id and shows it in both relationship lists', () => {
    const graph = new TenantGraph('acme', fixedClock);
    const before = graph.relationships.length;
    const rel = graph.link('2', '90', 'owns');
    expect(rel).toEqual({ id: `rel-${before + 1}`, from: '2', to: '90', kind: 'owns' });
    expect(graph.relationshipsOf('2')).toContainEqual(rel);
    expect(graph.relationshipsOf('90')).toContainEqual(rel);
    expect(graph.link('3', '4', 'owns').id).toBe(`rel-${before + 2}`);
  });

  it('refuses links to unknown entities', () => {
    expect(() => new TenantGraph('acme', fixedClock).link('1', '500', 'owns')).toThrow(/500/);
  });

  it('keeps tenants apart: a write in one tenant does not touch another', () => {
    const store = new GraphStore(fixedClock);
    store.tenant('acme').updateEntity('7', 'Changed');
    expect(store.tenant('globex').entity('7')!.name).not.toContain('Changed');
  });
});
