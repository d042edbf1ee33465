import { describe, expect, it } from 'vitest';
import { isStorable, parseJsonOrUndefined } from './storable.ts';

const DATA = { data: { entity: { id: '1' } } };

describe('isStorable', () => {
  it.each([
    ['200 data, no cache-control', 200, null, DATA, 60, true],
    ['public max-age', 200, 'public, max-age=10', DATA, 60, true],
    ['TTL 0', 200, null, DATA, 0, false],
    ['non-200', 201, null, DATA, 60, false],
    ['500', 500, null, DATA, 60, false],
    ['errors member', 200, null, { data: null, errors: [{ message: 'x' }] }, 60, false],
    ['empty errors member', 200, null, { data: {}, errors: [] }, 60, false],
    ['no-store', 200, 'no-store', DATA, 60, false],
    ['private among others', 200, 'max-age=0, Private', DATA, 60, false],
    ['private with field list', 200, 'private="set-cookie"', DATA, 60, false],
    ['a directive merely containing the word', 200, 'x-no-store-ish=1', DATA, 60, true],
    ['not JSON', 200, null, undefined, 60, false],
    ['JSON array', 200, null, [1], 60, false],
    ['JSON null', 200, null, null, 60, false],
  ] as const)('%s → %s', (_n, status, cc, body, ttl, want) => {
    expect(isStorable(status, cc, body, ttl)).toBe(want);
  });

  it('parseJsonOrUndefined', () => {
    expect(parseJsonOrUndefined('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonOrUndefined('<html>')).toBeUndefined();
  });
});
