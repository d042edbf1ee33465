import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { foreignTenantsIn, judge } from './leak-check.ts';

const tenants = ['leak-0a1b2c3d4e', 'leak-ffee001122', 'acme'];
const body = (name: string) => ({ data: { entity: { id: '1', name } } });
const observed = (status: number, value: unknown) => ({ status, text: JSON.stringify(value), body: value });

describe('foreignTenantsIn', () => {
  it.each([
    ['{"name":"leak-0a1b2c3d4e · Sensor 1"}', 'leak-0a1b2c3d4e', []],
    ['{"name":"leak-ffee001122 · Sensor 1"}', 'leak-0a1b2c3d4e', ['leak-ffee001122']],
    ['[{"name":"acme · A"},{"name":"leak-ffee001122 · B"}]', 'leak-0a1b2c3d4e', ['leak-ffee001122', 'acme']],
    ['{"relationships":[]}', 'acme', []],
  ])('%s as %s → %j', (text, self, foreign) => {
    expect(foreignTenantsIn(text, self, tenants)).toEqual(foreign);
  });
});

describe('judge', () => {
  const self = 'leak-0a1b2c3d4e';
  const mine = body(`${self} · Sensor 1`);

  it('accepts the origin answer', () => {
    expect(judge(observed(200, mine), self, tenants, mine, isDeepStrictEqual)).toEqual({ ok: true });
  });

  it('calls another tenant body a leak, whatever the status', () => {
    expect(judge(observed(200, body('acme · Sensor 1')), self, tenants, mine, isDeepStrictEqual)).toEqual({ ok: false, kind: 'leak', foreign: ['acme'] });
    expect(judge(observed(500, body('acme · x')), self, tenants, undefined, isDeepStrictEqual)).toMatchObject({ kind: 'leak' });
  });

  it('calls a body that is not the origin answer a mismatch', () => {
    expect(judge(observed(200, body(`${self} · Sensor 2`)), self, tenants, mine, isDeepStrictEqual)).toMatchObject({ ok: false, kind: 'mismatch' });
  });

  it('for changing data only asks for the own tenant id', () => {
    expect(judge(observed(200, body(`${self} · renamed`)), self, tenants, undefined, isDeepStrictEqual)).toEqual({ ok: true });
    expect(judge(observed(200, { data: { entity: null } }), self, tenants, undefined, isDeepStrictEqual)).toMatchObject({ kind: 'mismatch' });
  });

  it('reports a non-200 answer as an error', () => {
    expect(judge(observed(502, { error: { code: 'ORIGIN_UNAVAILABLE', message: 'x' } }), self, tenants, mine, isDeepStrictEqual)).toMatchObject({ kind: 'error' });
  });
});
