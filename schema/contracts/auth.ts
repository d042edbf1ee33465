import { z } from 'zod';

import { AUTOMATION_ACTOR_PREFIX } from './jwt.ts';

export { AUTOMATION_ACTOR_PREFIX, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from './jwt.ts';

/**
 * Claims Conductor reads from a verified token. `tenant` is the caller's home tenant;
 * `tenants` lists further tenants a multi-tenant admin may act in. `clearance` is 0–5 and
 * `purposes` lists what the token allows data to be used for (e.g. "investigation").
 * What each grants is said once, in policies/conductor.cedar.
 * The edge validates with a zod/mini mirror (workers/edge/src/contracts/, docs/adr/0012) whose
 * parity test fails when the two differ: change both.
 */
export const ClaimsSchema = z.object({
  sub: z
    .string()
    .min(1)
    .refine((sub) => !sub.startsWith(AUTOMATION_ACTOR_PREFIX), `subject must not start with "${AUTOMATION_ACTOR_PREFIX}"`),
  tenant: z.string().min(1),
  tenants: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  scopes: z.array(z.string()).default([]),
  clearance: z.number().int().min(0).max(5).default(0),
  purposes: z.array(z.string().min(1)).default([]),
});
export type Claims = z.infer<typeof ClaimsSchema>;

/** Tenant ids appear in cache keys and URLs: keep them to a safe, slash-free alphabet. */
export const TenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant id: lowercase letters, digits, dashes (max 63)');
