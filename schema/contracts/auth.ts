import { z } from 'zod';

/** JWT issuer/audience shared by the control plane (which signs) and the edge and origin (which verify). */
export const JWT_ISSUER = 'conductor-control-plane';
export const JWT_AUDIENCE = 'conductor';
/** EdDSA (Ed25519) keys; the JWKS is served at /.well-known/jwks.json by the control plane. */
export const JWT_ALG = 'EdDSA';

/**
 * Claims Conductor reads from a verified token. `tenant` is the caller's home tenant;
 * `tenants` lists further tenants a multi-tenant admin may act in.
 * Scopes of note: `admin.write` (control-plane writes), `admin.read`, `edge.config` (the edge
 * pulling its config). Role of note: `platform-admin`, which with `admin.write` may change shared
 * configuration (tenants, safelist, invalidation map); see policies/conductor.cedar.
 */
export const ClaimsSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1),
  tenants: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  scopes: z.array(z.string()).default([]),
  clearance: z.number().int().min(0).max(5).default(0),
});
export type Claims = z.infer<typeof ClaimsSchema>;

/** Tenant ids appear in cache keys and URLs: keep them to a safe, slash-free alphabet. */
export const TenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant id: lowercase letters, digits, dashes (max 63)');
