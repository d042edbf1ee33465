import type { Context } from 'hono';
import { PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';

/*
 * Who may do what with the catalog, all through Cedar (policies/conductor.cedar): the catalog is
 * shared configuration like the safelist, so reads are `read` on the platform (any admin scope)
 * and writes `write` on the platform (admin.write and role platform-admin).
 */

export const readCatalog = (c: Context<AppEnv>) => authorize(c, 'read', PLATFORM);
export const writeCatalog = (c: Context<AppEnv>) => authorize(c, 'write', PLATFORM);

/**
 * A what-if reads the catalog and edge traffic: one tenant's (`read` on that tenant) or, without
 * `tenant`, every tenant's together (`readMetrics` on the platform).
 */
export async function authorizeWhatIf(c: Context<AppEnv>, tenant: string | undefined): Promise<void> {
  await readCatalog(c);
  if (tenant) await authorize(c, 'read', { type: 'Tenant', id: tenant });
  else await authorize(c, 'readMetrics', PLATFORM);
}
