import { tenants } from '../../../../schema/tenants.ts';
import { cacheInvalidation, safelistedOperations } from '../../../../schema/cache.ts';
import type { Db } from '../../db/client.ts';
import type { EdgeConfigRows } from './build.ts';

/** The three tables the edge config is made of, read from one snapshot. */
export function getEdgeConfigRows(db: Db): Promise<EdgeConfigRows> {
  return db.transaction(
    async (tx) => ({
      tenants: await tx.select({ id: tenants.id, strictSafelist: tenants.strictSafelist }).from(tenants),
      safelist: await tx
        .select({
          id: safelistedOperations.id,
          name: safelistedOperations.name,
          document: safelistedOperations.document,
          operationType: safelistedOperations.operationType,
          ttlSeconds: safelistedOperations.ttlSeconds,
          scope: safelistedOperations.scope,
          variables: safelistedOperations.variables,
        })
        .from(safelistedOperations),
      invalidationMap: await tx.select().from(cacheInvalidation),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
