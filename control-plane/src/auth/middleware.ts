import type { Context, MiddlewareHandler } from 'hono';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { ClaimsSchema, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { ErrorCode } from '@conductor/sdk';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { authorizeAs } from './authorize.ts';
import type { Action, ContextArgs, ResourceFor } from './cedar.ts';

type KeySet = ReturnType<typeof createLocalJWKSet>;
const keySets = new WeakMap<JWK[], KeySet>();

function keySetFor(jwks: JWK[]): KeySet {
  let set = keySets.get(jwks);
  if (!set) {
    set = createLocalJWKSet({ keys: jwks });
    keySets.set(jwks, set);
  }
  return set;
}

/**
 * Bearer JWT → c.var.principal. Only our own EdDSA keys, issuer and audience are accepted;
 * pinning the algorithm is what rejects `alg: none` and key-confusion tokens.
 */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, ErrorCode.UNAUTHENTICATED, 'missing bearer token');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(match[1]!, keySetFor(c.var.deps.publicJwks), {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithms: [JWT_ALG],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new ApiError(401, ErrorCode.TOKEN_EXPIRED, 'token expired');
    throw new ApiError(401, ErrorCode.UNAUTHENTICATED, 'invalid token');
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) throw new ApiError(401, ErrorCode.UNAUTHENTICATED, 'token claims are malformed');
  c.set('principal', claims.data);
  await next();
};

/** Authorizes the request's principal (see authorizeAs); a denial is 403 FORBIDDEN naming what the policies require. */
export async function authorize<A extends Action>(c: Context<AppEnv>, action: A, resource: ResourceFor<A>, ...context: ContextArgs<A>): Promise<void> {
  authorizeAs(c.var.principal, action, resource, ...context);
}
