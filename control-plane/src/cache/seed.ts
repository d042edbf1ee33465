import { z } from 'zod';
import { OperationManifestSchema } from '@conductor/schema/contracts/cache-admin';
import { CacheScopeSchema, EdgeInvalidationSchema } from '@conductor/schema/contracts/edge-config';
import type { Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { SEED_ACTOR } from '../seed/actor.ts';
import { readDemoJson } from '../seed/demo-files.ts';
import { putInvalidation } from './invalidation-map/service.ts';
import { publishManifest } from './safelist/manifest.ts';

const CachePolicyFileSchema = z.object({
  operations: z.record(
    z.string(),
    z
      .object({
        ttlSeconds: z.number().int().min(0),
        staleWhileRevalidateSeconds: z.number().int().min(0).default(0),
        staleIfErrorSeconds: z.number().int().min(0).default(0),
        scope: CacheScopeSchema,
      })
      .strict(),
  ),
  invalidationMap: z.array(EdgeInvalidationSchema),
});

/**
 * The demo origin's safelist (its persisted-query manifest, with TTL, stale windows
 * and scope from cache-policy.json) and its invalidation map, through the same services the API uses, so the
 * seed is validated and audited like any admin write. Idempotent: a rerun writes nothing.
 */
export async function seedCachePolicy(db: Db, actor: Actor = SEED_ACTOR): Promise<void> {
  const manifest = OperationManifestSchema.parse(readDemoJson('persisted-operations.json'));
  const policy = CachePolicyFileSchema.parse(readDemoJson('cache-policy.json'));
  await db.transaction(async (tx) => {
    await publishManifest(tx, actor, { ...manifest, overrides: policy.operations });
    for (const entry of policy.invalidationMap) {
      await putInvalidation(tx, actor, entry.mutationOp, entry.affectedOp, entry.varsSelector);
    }
  });
}
