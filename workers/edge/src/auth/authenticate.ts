import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Claims } from '@conductor/schema/contracts/auth';
import { JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/jwt';
import { ErrorCode } from '@conductor/sdk';
import { ClaimsSchema } from '../contracts/claims.ts';
import { EdgeError } from '../http/errors.ts';
import type { VerifiedTokens } from './verified-tokens.ts';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The claims of an Authorization header whose token was verified recently, without an await: the
 * hot path. Remembered by the whole header value, which names exactly one token, so a hit needs
 * neither the Bearer pattern nor a substring.
 */
export function knownClaims(authorization: string | null, verified: VerifiedTokens): Claims | undefined {
  return authorization === null ? undefined : verified.get(authorization, Date.now());
}

/**
 * Verifies `Authorization: Bearer <jwt>` and returns its claims. Only the algorithm in the
 * contract is accepted, which is also what rejects `alg: none`.
 */
export async function authenticate(
  authorization: string | null,
  getKey: JWTVerifyGetKey,
  verified: VerifiedTokens,
): Promise<Claims> {
  const token = authorization === null ? undefined : BEARER.exec(authorization)?.[1];
  if (authorization === null || token === undefined) throw unauthenticated('missing bearer token');
  const now = Date.now();
  const known = verified.get(authorization, now);
  if (known) return known;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithms: [JWT_ALG],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new EdgeError(401, ErrorCode.TOKEN_EXPIRED, 'token expired');
    // Key-set fetch problems are ours, not the caller's: answer 503 so clients retry.
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
      console.error('edge: cannot verify token', String(err));
      throw new EdgeError(503, ErrorCode.CONFIG_UNAVAILABLE, 'signing keys unavailable');
    }
    throw unauthenticated(`invalid token (${err.code})`);
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) throw unauthenticated('token lacks the required claims');
  verified.remember(authorization, claims.data, payload.exp, now);
  return claims.data;
}

function unauthenticated(message: string): EdgeError {
  return new EdgeError(401, ErrorCode.UNAUTHENTICATED, message, { 'www-authenticate': 'Bearer' });
}
