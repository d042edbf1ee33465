import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { ClaimsSchema, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER, type Claims } from '@conductor/schema/contracts/auth';
import { ErrorCode } from '@conductor/sdk';

export type AuthResult = { ok: true; claims: Claims } | { ok: false; status: 401 | 503; code: ErrorCode; message: string };

/**
 * Verifies `Authorization: Bearer <JWT>` against the control plane's JWKS (fetched once, cached
 * by jose, refetched when an unknown `kid` shows up). The tenant is only ever read from here.
 */
export function createVerifier(jwksUrl: string): (authorization: string | undefined) => Promise<AuthResult> {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return fail(401, ErrorCode.UNAUTHENTICATED, 'missing Authorization: Bearer <token>');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(match[1]!, jwks, { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, algorithms: [JWT_ALG] }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) return fail(401, ErrorCode.TOKEN_EXPIRED, 'token expired');
      // A key set we cannot fetch is our outage, not a bad token: answer 503 so clients retry.
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        return fail(503, ErrorCode.INTERNAL, `cannot fetch the signing keys from ${jwksUrl}`);
      }
      return fail(401, ErrorCode.UNAUTHENTICATED, `invalid token: ${err.message}`);
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return fail(401, ErrorCode.UNAUTHENTICATED, 'token lacks the Conductor claims (sub, tenant)');
    return { ok: true, claims: claims.data };
  };
}

function fail(status: 401 | 503, code: ErrorCode, message: string): AuthResult {
  return { ok: false, status, code, message };
}
