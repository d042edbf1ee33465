import { describe, expect, it } from 'vitest';
import { aggregateOperations, cacheableTraffic, classify, observationStart, type ReceiptRow, type VersionRow } from './aggregate.ts';

const A1 = `sha256:${'a'.repeat(64)}`;
const A2 = `sha256:${'b'.repeat(64)}`;
const L = `sha256:${'c'.repeat(64)}`;
const M = `sha256:${'d'.repeat(64)}`;
const LONG_AGO = new Date('2025-06-01T00:00:00Z');
const FROM = new Date('2026-01-01T00:00:00Z');
const window = { from: FROM, to: new Date(FROM.getTime() + 1_000_000) };
const IN_WINDOW = new Date(FROM.getTime() + 500_000);
const versions: VersionRow[] = [
  { id: A1, name: 'EntityById', operationType: 'query', ttlSeconds: 60, cachingEnabled: true, updatedAt: LONG_AGO },
  { id: A2, name: 'EntityById', operationType: 'query', ttlSeconds: 60, cachingEnabled: true, updatedAt: LONG_AGO },
  { id: L, name: 'Entities', operationType: 'query', ttlSeconds: 30, cachingEnabled: true, updatedAt: LONG_AGO },
  { id: M, name: 'UpdateEntity', operationType: 'mutation', ttlSeconds: 0, cachingEnabled: true, updatedAt: LONG_AGO },
];
const receipt = (tenantId: string, tags: string[], appliedAt = IN_WINDOW): ReceiptRow => ({ tenantId, tags, appliedAt });

describe('cacheableTraffic', () => {
  it('counts every status but BYPASS as cacheable, and HIT, STALE, COALESCED as hits, per operation and tenant', () => {
    const rows = (['HIT', 'STALE', 'COALESCED', 'MISS', 'BYPASS'] as const).map((status, i) => ({ opId: A1, tenantId: 'acme', status, requests: 10 ** i }));
    expect(cacheableTraffic([...rows, { opId: A1, tenantId: 'globex', status: 'MISS', requests: 7 }])).toEqual([
      { opId: A1, tenantId: 'acme', hits: 111, requests: 1111 },
      { opId: A1, tenantId: 'globex', hits: 0, requests: 7 },
    ]);
  });
});

describe('classify', () => {
  const ids = new Set([A1, A2]);
  it.each<[string[], 'whole' | string[] | null]>([
    [['*'], 'whole'],
    [[`op:${A2}`], 'whole'],
    [[`op:${A1}|id="5"`, `op:${L}`], ['|id="5"']],
    [[`op:${A1}|id="5"`, `op:${A2}|id="5"`], ['|id="5"']],
    [[`op:${A1}|id="5"`, `op:${A1}|id="6"`], ['|id="5"', '|id="6"']],
    [[`op:${A1}#${'e'.repeat(64)}`], [`#${'e'.repeat(64)}`]],
    [[`op:${A1}|id="5"`, `op:${A1}`], 'whole'],
    [[`op:${L}`, `op:${L}|id="5"`], null],
    [[], null],
  ])('%j → %j', (tags, expected) => {
    const got = classify(tags, ids);
    expect(got instanceof Set ? [...got].sort() : got).toEqual(expected);
  });
});

describe('observationStart', () => {
  it('is the window start, or the first whole minute after the last change of any version', () => {
    expect(observationStart(versions.slice(0, 2), FROM)).toEqual(FROM);
    const changed = [versions[0]!, { ...versions[1]!, updatedAt: new Date('2026-01-01T00:10:30Z') }];
    expect(observationStart(changed, FROM)).toEqual(new Date('2026-01-01T00:11:00Z'));
    const onTheMinute = [{ ...versions[0]!, updatedAt: new Date('2026-01-01T00:10:00Z') }];
    expect(observationStart(onTheMinute, FROM)).toEqual(new Date('2026-01-01T00:11:00Z'));
  });
});

describe('aggregateOperations', () => {
  it('pools versions, skips mutations, and weighs per-tenant invalidation rates by traffic', () => {
    const [entities, byId] = aggregateOperations({
      versions,
      window: { from: FROM, to: new Date(FROM.getTime() + 1_000_000) },
      coveredNames: new Set(['EntityById']),
      traffic: [
        { opId: A1, tenantId: 'acme', hits: 600, requests: 800 },
        { opId: A2, tenantId: 'acme', hits: 100, requests: 200 },
        { opId: A1, tenantId: 'globex', hits: 500, requests: 1_000 },
        { opId: L, tenantId: 'acme', hits: 10, requests: 20 },
        { opId: `sha256:${'f'.repeat(64)}`, tenantId: 'acme', hits: 5, requests: 5 },
      ],
      receipts: [
        // acme: 2 whole-operation purges (one tenant-wide), and 3 variant events over 2 variants.
        receipt('acme', ['*']),
        receipt('acme', [`op:${A1}`, `op:${A2}`]),
        receipt('acme', [`op:${A1}|id="1"`, `op:${A2}|id="1"`]),
        receipt('acme', [`op:${A1}|id="1"`, `op:${A1}|id="2"`]),
        // globex: one variant purged 4 times.
        ...Array.from({ length: 4 }, () => receipt('globex', [`op:${A2}|id="9"`])),
        // Nothing of EntityById.
        receipt('globex', [`op:${L}`]),
        // A tenant without EntityById traffic carries no weight and is not counted.
        receipt('initech', ['*']),
        // Outside the window.
        receipt('acme', ['*'], new Date(FROM.getTime() - 1)),
        receipt('acme', ['*'], window.to),
      ],
    });
    expect(byId).toEqual({
      name: 'EntityById',
      observedFrom: FROM,
      windowSeconds: 1_000,
      versions: [A1, A2],
      currentTtlSeconds: 60,
      cachingEnabled: true,
      requests: 2_000,
      hits: 1_200,
      invalidations: 8,
      // acme: (2 + 3/2) / 1000 s, weight 0.5; globex: (0 + 4/1) / 1000 s, weight 0.5.
      mu: expect.closeTo(0.5 * 0.0035 + 0.5 * 0.004, 15),
      coveredByInvalidationMap: true,
    });
    expect(entities).toMatchObject({ name: 'Entities', requests: 20, hits: 10, invalidations: 1, coveredByInvalidationMap: false });
    // acme: the tenant-wide purge only; globex has no Entities traffic.
    expect(entities!.mu).toBeCloseTo(1 / 1_000, 15);
  });

  it('reports disagreeing TTLs and any switched-off version', () => {
    const [, byId] = aggregateOperations({
      versions: [versions[0]!, { ...versions[1]!, ttlSeconds: 5, cachingEnabled: false }, versions[2]!],
      window,
      coveredNames: new Set(),
      traffic: [],
      receipts: [receipt('acme', ['*'])],
    });
    expect(byId).toMatchObject({ currentTtlSeconds: null, cachingEnabled: false, requests: 0, mu: 0, invalidations: 0 });
  });
});

describe('aggregateOperations after a change', () => {
  it('counts invalidations and the window from the last change of the operation only', () => {
    const changedAt = new Date(FROM.getTime() + 400_000 - 30_000);
    const [byId] = aggregateOperations({
      versions: [versions[0]!, { ...versions[1]!, updatedAt: changedAt }],
      window,
      coveredNames: new Set(['EntityById']),
      traffic: [{ opId: A1, tenantId: 'acme', hits: 1, requests: 2 }],
      receipts: [receipt('acme', ['*'], new Date(FROM.getTime() + 100_000)), receipt('acme', ['*'])],
    });
    // The change at +370 s rounds up to the minute at +420 s.
    expect(byId).toMatchObject({ observedFrom: new Date(FROM.getTime() + 420_000), windowSeconds: 580, invalidations: 1 });
    expect(byId!.mu).toBeCloseTo(1 / 580, 15);
  });
});
