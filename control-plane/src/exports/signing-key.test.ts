import { describe, expect, it } from 'vitest';
import { generateSecrets } from '@conductor/schema/auth/dev-keys';
import { privateSigningJwk, signingKeyProblem } from './signing-key.ts';

describe('privateSigningJwk', () => {
  const schema = privateSigningJwk('EXPORT_SIGNING_JWK');

  it('reads a private Ed25519 JWK from JSON, keeping its other members', async () => {
    const { privateJwk } = await generateSecrets();
    expect(schema.parse(JSON.stringify(privateJwk))).toEqual(privateJwk);
  });

  it('refuses what is not JSON, a public key, another curve or a key without kid, naming the setting', async () => {
    const { privateJwk, publicJwk } = await generateSecrets();
    const { kid: _kid, ...withoutKid } = privateJwk;
    for (const text of ['not json', JSON.stringify(publicJwk), JSON.stringify({ ...privateJwk, crv: 'X25519' }), JSON.stringify({ ...privateJwk, kty: 'EC' }), JSON.stringify(withoutKid), '[]']) {
      const parsed = schema.safeParse(text);
      expect(parsed.success, text).toBe(false);
      expect(parsed.error!.issues[0]!.message).toMatch(/^EXPORT_SIGNING_JWK must be a private Ed25519 JWK as JSON/);
    }
  });
});

describe('signingKeyProblem', () => {
  it('accepts a key whose public half the JWKS publishes, among retired ones', async () => {
    const current = await generateSecrets();
    const retired = await generateSecrets();
    expect(signingKeyProblem('K', current.privateJwk, [current.publicJwk, retired.publicJwk], 'JWKS')).toBeNull();
    expect(signingKeyProblem('K', current.privateJwk, [retired.publicJwk, current.publicJwk], 'JWKS')).toBeNull();
  });

  it('names a key the JWKS lacks, and one whose kid it publishes with another key', async () => {
    const current = await generateSecrets();
    const other = await generateSecrets();
    expect(signingKeyProblem('K', current.privateJwk, [other.publicJwk], 'JWKS')).toBe(
      `K (kid ${current.privateJwk.kid}) has no public half in JWKS: the origin would refuse its tokens and no manifest it signs would verify`,
    );
    expect(signingKeyProblem('K', current.privateJwk, [{ ...other.publicJwk, kid: current.privateJwk.kid }], 'JWKS')).toBe(
      `K (kid ${current.privateJwk.kid}) is not the key JWKS publishes under that kid: the origin would refuse its tokens and no manifest it signs would verify`,
    );
  });
});
