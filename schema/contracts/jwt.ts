// JWT issuer/audience/algorithm shared by the control plane (which signs) and the edge and origin
// (which verify). Plain constants with no zod, so the edge's bundle can take them without the
// classic zod that `auth.ts` builds its schemas with (docs/adr/0012).

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
