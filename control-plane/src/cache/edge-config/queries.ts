import { tenants } from '@conductor/schema/tenants';
import { cacheInvalidation, safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';
import { getEdgeSettings } from '../controls/queries.ts';
import type { EdgeConfigRows } from './build.ts';

/** The tables the edge config is made of, read from one snapshot. */
export function getEdgeConfigRows(db: Db): Promise<EdgeConfigRows> {
  return db.transaction(
    async (tx) => ({
      cachingEnabled: (await getEdgeSettings(tx)).cachingEnabled,
      tenants: await tx.select({ id: tenants.id, strictSafelist: tenants.strictSafelist }).from(tenants),
      safelist: await tx
        .select({
          id: safelistedOperations.id,
          name: safelistedOperations.name,
          document: safelistedOperations.document,
          operationType: safelistedOperations.operationType,
          ttlSeconds: safelistedOperations.ttlSeconds,
          staleWhileRevalidateSeconds: safelistedOperations.staleWhileRevalidateSeconds,
          staleIfErrorSeconds: safelistedOperations.staleIfErrorSeconds,
          cachingEnabled: safelistedOperations.cachingEnabled,
          scope: safelistedOperations.scope,
          variables: safelistedOperations.variables,
        })
        .from(safelistedOperations),
      invalidationMap: await tx.select().from(cacheInvalidation),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
