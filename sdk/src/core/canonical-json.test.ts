import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

// Fixed vectors: the output strings are the cache-key input, so any change here is a key-space change.
describe('canonicalJson', () => {
  it.each([
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts nested objects but keeps array order', { a: { d: 1, c: [3, { z: 1, y: 2 }] } }, '{"a":{"c":[3,{"y":2,"z":1}],"d":1}}'],
    ['orders keys by UTF-16 code units, not locale', { é: 1, e: 2, Z: 3, '10': 4, '9': 5 }, '{"10":4,"9":5,"Z":3,"e":2,"é":1}'],
    ['keeps non-ASCII text unescaped', { name: 'Zürich 東京 😀' }, '{"name":"Zürich 東京 😀"}'],
    ['escapes control characters, quotes and backslashes', { s: '\u001f"\\\n' }, '{"s":"\\u001f\\"\\\\\\n"}'],
    ['writes 1.0 as 1', { n: 1.0 }, '{"n":1}'],
    ['writes 1e21 in exponent form', { n: 1e21 }, '{"n":1e+21}'],
    ['writes large integers below 1e21 in full', { n: 123456789012345680000 }, '{"n":123456789012345680000}'],
    ['writes small fractions in exponent form', { n: 1e-7 }, '{"n":1e-7}'],
    ['writes -0 as 0', { n: -0 }, '{"n":0}'],
    ['uses the shortest round-trip form', { n: 0.1 + 0.2 }, '{"n":0.30000000000000004}'],
    ['removes whitespace', { a: [1, 2, { b: 'x y' }] }, '{"a":[1,2,{"b":"x y"}]}'],
    ['keeps an explicit null', { a: null }, '{"a":null}'],
    ['drops a missing (undefined) property', { a: undefined, b: 1 }, '{"b":1}'],
    ['turns undefined array slots into null', [undefined, 1], '[null,1]'],
    ['treats top-level undefined as null', undefined, 'null'],
    ['empty object', {}, '{}'],
  ])('%s', (_intent, input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  it('gives the same string for objects that differ only in key order, at any depth', () => {
    const a = { limit: 10, filter: { kind: 'Sensor', tags: ['x', 'y'], range: { to: 5, from: 1 } } };
    const b = { filter: { range: { from: 1, to: 5 }, tags: ['x', 'y'], kind: 'Sensor' }, limit: 10 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('distinguishes null from a missing property', () => {
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('distinguishes array order', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['NaN nested in an array', { a: [1, NaN] }],
    ['a bigint', { n: 10n }],
  ])('rejects %s instead of merging it with null', (_label, input) => {
    expect(() => canonicalJson(input)).toThrow(TypeError);
  });

  it('rejects a lone surrogate, which has no UTF-8 encoding', () => {
    expect(() => canonicalJson({ s: '\ud800' })).toThrow();
  });
});
