import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * The control plane's JWKS, one per isolate: jose caches the keys and refetches on an unknown
 * `kid` (rate-limited by its cooldown), so key rotation needs no edge deploy.
 */
export function controlPlaneKeys(controlPlaneUrl: string): JWTVerifyGetKey {
  let set = keySets.get(controlPlaneUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(`${controlPlaneUrl}/.well-known/jwks.json`), { timeoutDuration: 3_000 });
    keySets.set(controlPlaneUrl, set);
  }
  return set;
}
