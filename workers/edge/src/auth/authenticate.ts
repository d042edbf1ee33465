import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ClaimsSchema, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER, type Claims } from '@conductor/schema/contracts/auth';
import { ErrorCode } from '@conductor/sdk';
import { EdgeError } from '../http/errors.ts';
import type { VerifiedTokens } from './verified-tokens.ts';

/**
 * Verifies `Authorization: Bearer <jwt>` and returns its claims. Only the algorithm in the
 * contract is accepted, which is also what rejects `alg: none`.
 */
export async function authenticate(
  authorization: string | null,
  getKey: JWTVerifyGetKey,
  verified: VerifiedTokens,
): Promise<Claims> {
  const match = authorization?.match(/^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i);
  if (!match) throw unauthenticated('missing bearer token');
  const token = match[1]!;
  const now = Date.now();
  const known = verified.get(token, now);
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
  verified.remember(token, claims.data, payload.exp, now);
  return claims.data;
}

function unauthenticated(message: string): EdgeError {
  return new EdgeError(401, ErrorCode.UNAUTHENTICATED, message, { 'www-authenticate': 'Bearer' });
}
