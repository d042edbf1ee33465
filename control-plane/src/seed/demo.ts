import { z } from 'zod';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { recordAudit } from '../audit/record.ts';
import { seedCachePolicy } from '../cache/seed.ts';
import { seedDemoCatalog } from '../catalog/seed.ts';
import type { Db } from '../db/client.ts';
import { upsertTenant } from '../tenants/queries.ts';
import { SEED_ACTOR } from './actor.ts';
import { readDemoJson } from './demo-files.ts';

const DemoTenantsSchema = z.object({
  tenants: z.array(
    z.object({
      id: TenantIdSchema,
      name: z.string().min(1),
      strictSafelist: z.boolean(),
      allowedLicenses: z.array(z.string().min(1)).default([]),
    }),
  ),
});

/**
 * The demo tenants of examples/origin/cache-policy.json (with the licences their data may be
 * exported under), then the demo safelist and invalidation map,
 * then the demo service catalog (examples/origin/catalog.yaml).
 * Idempotent: a rerun changes (and audits) nothing unless the file changed.
 */
export async function seedDemo(db: Db): Promise<void> {
  const policy = DemoTenantsSchema.parse(readDemoJson('cache-policy.json'));
  await db.transaction(async (tx) => {
    for (const tenant of policy.tenants) {
      if (await upsertTenant(tx, tenant)) {
        await recordAudit(tx, { actor: SEED_ACTOR, tenantId: tenant.id, action: 'tenant.seed', target: `tenant:${tenant.id}`, payload: tenant });
      }
    }
  });
  await seedCachePolicy(db);
  // After the safelist: every demo ServiceOp links a safelisted operation.
  await seedDemoCatalog(db);
}
