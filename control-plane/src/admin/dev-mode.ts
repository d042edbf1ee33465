import type { JWK } from 'jose';
import { mintToken } from '@conductor/schema/auth/tokens';

/**
 * Development sign-in. The Node server (server.ts) signs with the dev key from the data dir; it
 * hands that key to the app only when it listens on loopback, so the "mint a platform-admin token"
 * button exists on a developer's machine and nowhere else. The Worker (production) never has it.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The dev key, when this request may use it: the server got one (loopback listener) and the request
 * itself was addressed to loopback and did not come through a proxy, so a reverse proxy in front of
 * a Node control plane never exposes the button.
 */
export function devKeyFor(deps: { devSigningKey?: JWK }, request: { url: string; header(name: string): string | undefined }): JWK | undefined {
  if (!deps.devSigningKey) return undefined;
  if (!isLoopbackHost(new URL(request.url).hostname)) return undefined;
  if (request.header('forwarded') !== undefined || request.header('x-forwarded-for') !== undefined || request.header('x-forwarded-host') !== undefined) return undefined;
  return deps.devSigningKey;
}

export const DEV_ADMIN_SUB = 'user:dev-admin';

/** A platform admin with admin.write in every tenant that exists (so purges and switches work too). */
export function mintDevAdminToken(key: JWK, tenants: string[]): Promise<string> {
  return mintToken(key, {
    tenant: 'conductor',
    sub: DEV_ADMIN_SUB,
    tenants,
    roles: ['platform-admin'],
    scopes: ['admin.write'],
    ttl: '8h',
  });
}
