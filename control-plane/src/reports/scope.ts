import type { Context } from 'hono';
import { decide, PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import type { TenantScope } from './queries.ts';

/**
 * Which tenants a report covers, decided by Cedar: `?tenant=` needs `read` on that tenant (members,
 * platform admins); without it, callers allowed `readMetrics` on the platform (metrics.read,
 * platform-admin) get every tenant and everyone else the tenants they may read among their home
 * tenant and `tenants` claim.
 */
export async function tenantScope(c: Context<AppEnv>, tenant: string | undefined): Promise<TenantScope> {
  if (tenant !== undefined) {
    await authorize(c, 'read', { type: 'Tenant', id: tenant });
    return { all: false, tenants: [tenant] };
  }
  const principal = c.var.principal;
  if (decide(principal, 'readMetrics', PLATFORM)) return { all: true };
  const candidates = [...new Set([principal.tenant, ...principal.tenants])];
  return { all: false, tenants: candidates.filter((id) => decide(principal, 'read', { type: 'Tenant', id })) };
}
