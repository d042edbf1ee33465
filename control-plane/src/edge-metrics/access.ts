import type { Context } from 'hono';
import { decide, PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import { ALL_TENANTS, onlyTenants, type TenantScope } from './scope.ts';

/**
 * Which tenants' edge metrics a caller may read, decided by Cedar: `?tenant=` needs `read` on that
 * tenant (members, platform admins); without it, callers allowed `readMetrics` on the platform
 * (metrics.read, platform-admin) get every tenant and everyone else the tenants they may read
 * among their home tenant and `tenants` claim.
 */
export async function readableTenants(c: Context<AppEnv>, tenant: string | undefined): Promise<TenantScope> {
  if (tenant !== undefined) {
    await authorize(c, 'read', { type: 'Tenant', id: tenant });
    return onlyTenants([tenant]);
  }
  const principal = c.var.principal;
  if (decide(principal, 'readMetrics', PLATFORM)) return ALL_TENANTS;
  const candidates = [principal.tenant, ...principal.tenants];
  return onlyTenants(candidates.filter((id) => decide(principal, 'read', { type: 'Tenant', id })));
}
