import { importJWK, SignJWT, type JWK } from 'jose';
import { JWT_ALG, JWT_AUDIENCE, JWT_ISSUER, type Claims } from '../contracts/auth.ts';

export interface MintOptions {
  tenant: string;
  sub?: string;
  tenants?: string[];
  roles?: string[];
  scopes?: string[];
  clearance?: number;
  purposes?: string[];
  /** jose duration string ('1h', '15m') or seconds. */
  ttl?: string | number;
}

/** Signs a Conductor JWT with the given private JWK (the dev key locally). */
export async function mintToken(privateJwk: JWK, opts: MintOptions): Promise<string> {
  const key = await importJWK(privateJwk, JWT_ALG);
  const claims: Omit<Claims, 'sub'> = {
    tenant: opts.tenant,
    tenants: opts.tenants ?? [],
    roles: opts.roles ?? [],
    scopes: opts.scopes ?? [],
    clearance: opts.clearance ?? 0,
    purposes: opts.purposes ?? [],
  };
  const ttl = opts.ttl ?? '1h';
  return new SignJWT(claims)
    .setProtectedHeader({ alg: JWT_ALG, kid: privateJwk.kid, typ: 'JWT' })
    .setSubject(opts.sub ?? `user:${opts.tenant}`)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof ttl === 'number' ? `${ttl}s` : ttl)
    .sign(key);
}
