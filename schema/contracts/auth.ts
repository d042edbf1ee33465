import { z } from 'zod';

/** JWT issuer/audience shared by the control plane (which signs) and the edge and origin (which verify). */
export const JWT_ISSUER = 'conductor-control-plane';
export const JWT_AUDIENCE = 'conductor';
/** EdDSA (Ed25519) keys; the JWKS is served at /.well-known/jwks.json by the control plane. */
export const JWT_ALG = 'EdDSA';

/**
 * Actors that are code, not people (scheduler jobs, AIOps actions), are named `automation:<name>` in
 * the audit log and in Cedar (control-plane/src/auth/principal.ts). No token may claim such a subject:
 * a person must never pass for a job, nor a job's request for a person's (two-person rules compare actors).
 */
export const AUTOMATION_ACTOR_PREFIX = 'automation:';

/**
 * Claims Conductor reads from a verified token. `tenant` is the caller's home tenant;
 * `tenants` lists further tenants a multi-tenant admin may act in. `clearance` is 0–5 and
 * `purposes` lists what the token allows data to be used for (e.g. "investigation").
 * What each grants is said once, in policies/conductor.cedar.
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
