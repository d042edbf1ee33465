import { describe, expect, it } from 'vitest';
import type { EdgeInvalidation } from '@conductor/schema/contracts/edge-config';
import { mutationTags, readTags, resolvePath, selectorKeys, selectorTag, selectorValue } from './tags.ts';

const ENTITY = 'sha256:8756ada898ed748036734b7f2014d4a90b6cca5819fc8ce68b6fdc5bfc84460f';
const ENTITY_V2 = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const LIST = 'sha256:d2d93f4d74852359701c8477c5f3bbea131e3b616b80e068ada33a5add8d1f55';
const RELS = 'sha256:1196acf37c5161a06abc3188eb799a66d21bc7164a7fc139ded4327418de35ad';
const VH = '0'.repeat(64);

const MAP: EdgeInvalidation[] = [
  { mutationOp: 'updateEntity', affectedOp: 'EntityById', varsSelector: { id: '$.id' } },
  { mutationOp: 'updateEntity', affectedOp: 'Entities', varsSelector: null },
  { mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } },
  { mutationOp: 'moveEntity', affectedOp: 'EntityById', varsSelector: { id: '$.input.id' } },
  { mutationOp: 'renameBoth', affectedOp: 'Pair', varsSelector: { b: ['$.x', '$.y'], a: '$.z' } },
  { mutationOp: 'wipe', affectedOp: 'Entities', varsSelector: {} },
];
const IDS: Record<string, string[]> = { EntityById: [ENTITY, ENTITY_V2], Entities: [LIST], Relationships: [RELS], Pair: ['sha256:pair'] };
const ids = (name: string) => IDS[name] ?? [];
const rowsFor = (op: string) => MAP.filter((r) => r.mutationOp === op);
const keySetsFor = (name: string) =>
  MAP.filter((r) => r.affectedOp === name).map((r) => selectorKeys(r.varsSelector)).filter((k): k is string[] => k !== null);

describe('tag spelling', () => {
  it('read tags of a selected op', () => {
    expect(readTags(ENTITY, VH, { id: '5' }, [['id']])).toEqual(['*', `op:${ENTITY}`, `op:${ENTITY}#${VH}`, `op:${ENTITY}|id="5"`]);
  });
  it('multi-key selector tags list keys sorted', () => {
    expect(selectorTag('sha256:pair', [['a', 1], ['b', { y: 1, x: [true] }]])).toBe('op:sha256:pair|a="1"&b={"x":[true],"y":1}');
    expect(selectorKeys({ b: '$.x', a: '$.y' })).toEqual(['a', 'b']);
    expect(selectorKeys({})).toBeNull();
    expect(selectorKeys(null)).toBeNull();
  });
  it('scalars compare as strings: ID 5 and "5" are one entity', () => {
    expect(selectorValue(5)).toBe('"5"');
    expect(selectorValue('5')).toBe('"5"');
    expect(selectorValue(null)).toBe('null');
    expect(selectorValue(undefined)).toBe('null');
    expect(selectorValue(['5', 6])).toBe('["5",6]');
  });
  it('resolvePath walks objects only', () => {
    expect(resolvePath({ input: { id: 7 } }, '$.input.id')).toBe(7);
    expect(resolvePath({ input: null }, '$.input.id')).toBeUndefined();
    expect(resolvePath({ input: [1] }, '$.input.length')).toBeUndefined();
    expect(resolvePath({}, '$.toString')).toBeUndefined();
    expect(resolvePath({ n: null }, '$.n')).toBeNull();
  });
});

describe('mutation → tags', () => {
  it.each([
    ['selector by argument, every document version', 'updateEntity', { id: '5', name: 'x' }, [`op:${ENTITY}|id="5"`, `op:${ENTITY_V2}|id="5"`, `op:${LIST}`]],
    ['list of paths → one tag per value', 'linkEntities', { from: '1', to: '2', kind: 'k' }, [`op:${RELS}|entityId="1"`, `op:${RELS}|entityId="2"`]],
    ['equal values under a list dedupe', 'linkEntities', { from: '1', to: 1, kind: 'k' }, [`op:${RELS}|entityId="1"`]],
    ['nested path', 'moveEntity', { input: { id: 9 } }, [`op:${ENTITY}|id="9"`, `op:${ENTITY_V2}|id="9"`]],
    ['missing path falls back to the whole op', 'moveEntity', { input: {} }, [`op:${ENTITY}`, `op:${ENTITY_V2}`]],
    ['one missing path of a list also falls back', 'linkEntities', { from: '1' }, [`op:${RELS}`]],
    ['{} selector is the whole op', 'wipe', {}, [`op:${LIST}`]],
    ['combinations over several keys', 'renameBoth', { x: 1, y: 2, z: 3 }, ['op:sha256:pair|a="3"&b="1"', 'op:sha256:pair|a="3"&b="2"']],
    ['unknown mutation', 'nothing', { id: 1 }, []],
  ] as const)('%s', (_n, op, args, want) => {
    expect(mutationTags(rowsFor(op), ids, args).sort()).toEqual([...want].sort());
  });
});

/**
 * Both directions on shared vectors: a mutation must invalidate exactly the reads whose data it
 * can change (and may over-invalidate), never fewer.
 */
describe('a mutation reaches the reads it affects', () => {
  const VECTORS: Array<{ name: string; read: [string, string, Record<string, unknown> | null]; mutation: [string, Record<string, unknown>]; invalidated: boolean }> = [
    { name: 'same entity id', read: [ENTITY, 'EntityById', { id: '5' }], mutation: ['updateEntity', { id: '5', name: 'n' }], invalidated: true },
    { name: 'id sent as number by the reader', read: [ENTITY, 'EntityById', { id: 5 }], mutation: ['updateEntity', { id: '5', name: 'n' }], invalidated: true },
    { name: 'other entity id', read: [ENTITY, 'EntityById', { id: '6' }], mutation: ['updateEntity', { id: '5', name: 'n' }], invalidated: false },
    { name: 'second document version', read: [ENTITY_V2, 'EntityById', { id: '5' }], mutation: ['updateEntity', { id: '5', name: 'n' }], invalidated: true },
    { name: 'list op, any variables', read: [LIST, 'Entities', { limit: 3 }], mutation: ['updateEntity', { id: '77', name: 'n' }], invalidated: true },
    { name: 'list op, no variables', read: [LIST, 'Entities', null], mutation: ['updateEntity', { id: '77', name: 'n' }], invalidated: true },
    { name: 'relationships of from', read: [RELS, 'Relationships', { entityId: '1' }], mutation: ['linkEntities', { from: '1', to: '2', kind: 'k' }], invalidated: true },
    { name: 'relationships of to', read: [RELS, 'Relationships', { entityId: '2' }], mutation: ['linkEntities', { from: '1', to: '2', kind: 'k' }], invalidated: true },
    { name: 'relationships of a third entity', read: [RELS, 'Relationships', { entityId: '3' }], mutation: ['linkEntities', { from: '1', to: '2', kind: 'k' }], invalidated: false },
    { name: 'unresolvable path over-invalidates', read: [ENTITY, 'EntityById', { id: '6' }], mutation: ['moveEntity', {}], invalidated: true },
    { name: 'nested path hits', read: [ENTITY, 'EntityById', { id: '6' }], mutation: ['moveEntity', { input: { id: '6' } }], invalidated: true },
    { name: 'unrelated mutation', read: [ENTITY, 'EntityById', { id: '5' }], mutation: ['linkEntities', { from: '5', to: '6', kind: 'k' }], invalidated: false },
  ];
  it.each(VECTORS)('$name', ({ read: [id, name, vars], mutation: [op, args], invalidated }) => {
    const read = new Set(readTags(id, VH, vars, keySetsFor(name)));
    const bumped = mutationTags(rowsFor(op), ids, args);
    expect(bumped.some((t) => read.has(t))).toBe(invalidated);
  });
});
