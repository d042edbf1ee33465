import type { JWK } from 'jose';
import { z } from 'zod';

/*
 * The private key that signs what exports publish (docs/adr/0014) and the tokens the builder reads
 * the origin with, as configuration hands it over: a JWK in JSON (on Workers the secret
 * EXPORT_SIGNING_JWK). Ed25519, as every Conductor JWT. Its public half must be in the JWKS the
 * control plane serves, or the origin refuses the builder's tokens and no manifest verifies; that
 * is checked when the configuration is read, not at the first build.
 */

/** A setting that holds a private Ed25519 JWK as JSON; the message names the setting. */
export function privateSigningJwk(setting: string) {
  const message = `${setting} must be a private Ed25519 JWK as JSON: {"kty":"OKP","crv":"Ed25519","kid":…,"x":…,"d":…}`;
  return z.string().transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const parsed = z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), kid: z.string().min(1), x: z.string().min(1), d: z.string().min(1) }).safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return parsed.data as JWK;
  });
}

/** Why `privateJwk` cannot sign for this JWKS, or null when its public half is in it (same kid and key). */
export function signingKeyProblem(setting: string, privateJwk: JWK, jwks: readonly JWK[], jwksSetting: string): string | null {
  const match = jwks.some((k) => k.kid === privateJwk.kid && k.kty === privateJwk.kty && k.crv === privateJwk.crv && k.x === privateJwk.x);
  if (match) return null;
  const sameKid = jwks.some((k) => k.kid === privateJwk.kid);
  return sameKid
    ? `${setting} (kid ${privateJwk.kid}) is not the key ${jwksSetting} publishes under that kid: the origin would refuse its tokens and no manifest it signs would verify`
    : `${setting} (kid ${privateJwk.kid}) has no public half in ${jwksSetting}: the origin would refuse its tokens and no manifest it signs would verify`;
}
