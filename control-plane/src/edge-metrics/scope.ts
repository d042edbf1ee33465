/*
 * Which tenants a read over the edge metrics covers. Routes decide it with Cedar (access.ts);
 * jobs (alert evaluation, and later billing and AIOps) read every tenant. Pure.
 */

/** Every tenant, or exactly the listed ones (possibly none). */
export type TenantScope = { readonly all: true } | { readonly all: false; readonly tenants: readonly string[] };

export const ALL_TENANTS: TenantScope = { all: true };

export function onlyTenants(tenants: readonly string[]): TenantScope {
  return { all: false, tenants: [...new Set(tenants)].sort() };
}

/** A scope of no tenant: every read answers nothing without touching the database. */
export function isEmptyScope(scope: TenantScope): boolean {
  return !scope.all && scope.tenants.length === 0;
}

export function inScope(scope: TenantScope, tenant: string): boolean {
  return scope.all || scope.tenants.includes(tenant);
}
