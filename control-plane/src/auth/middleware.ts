import type { Context, MiddlewareHandler } from 'hono';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { ClaimsSchema, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { ErrorCode } from '@conductor/sdk';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { decide, type Action, type Resource } from './cedar.ts';

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

/** Cedar decides; a denial becomes 403 FORBIDDEN naming what the caller lacks. */
export async function authorize(c: Context<AppEnv>, action: Action, resource: Resource): Promise<void> {
  const principal = c.var.principal;
  if (decide(principal, action, resource)) return;
  const missing: string[] = [];
  if (action === 'ingestMetrics') missing.push('scope edge.metrics');
  else if (action === 'readMetrics') missing.push('scope metrics.read or role platform-admin');
  else if (action === 'write' && !principal.scopes.includes('admin.write')) missing.push('scope admin.write');
  if (resource.type === 'Tenant') {
    if (resource.id !== principal.tenant && !principal.tenants.includes(resource.id)) missing.push(`membership of tenant "${resource.id}"`);
  } else if (action === 'write') {
    if (!principal.roles.includes('platform-admin')) missing.push('role platform-admin');
  } else if (action === 'read') {
    missing.push('one of the scopes admin.read, admin.write, edge.config');
  }
  const target = resource.type === 'Tenant' ? `tenant "${resource.id}"` : action === 'write' || action === 'read' ? 'platform configuration' : 'platform metrics';
  throw new ApiError(403, ErrorCode.FORBIDDEN, `${action} on ${target} requires ${missing.join(' and ') || 'a matching policy'}`);
}
