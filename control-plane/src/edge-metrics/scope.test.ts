import { describe, expect, it } from 'vitest';
import { ALL_TENANTS, inScope, isEmptyScope, onlyTenants } from './scope.ts';

describe('TenantScope', () => {
  it('is every tenant, or exactly the listed ones', () => {
    expect(inScope(ALL_TENANTS, 'anyone')).toBe(true);
    const two = onlyTenants(['globex', 'acme', 'acme']);
    expect(two).toEqual({ all: false, tenants: ['acme', 'globex'] });
    expect(inScope(two, 'acme')).toBe(true);
    expect(inScope(two, 'initech')).toBe(false);
  });

  it('can be empty, which reads nothing', () => {
    expect(isEmptyScope(onlyTenants([]))).toBe(true);
    expect(isEmptyScope(ALL_TENANTS)).toBe(false);
  });
});
