import { describe, expect, it } from 'vitest';
import type { Claims } from '@conductor/schema/contracts/auth';
import { VERIFIED_TOKEN_TTL_MS, VerifiedTokens } from './verified-tokens.ts';

const CLAIMS: Claims = { sub: 'u', tenant: 'acme', tenants: [], roles: [], scopes: [], clearance: 0, purposes: [] };
const NOW = 1_700_000_000_000;

describe('VerifiedTokens', () => {
  it('reuses claims for at most the TTL', () => {
    const v = new VerifiedTokens();
    v.remember('t', CLAIMS, NOW / 1000 + 3600, NOW);
    expect(v.get('t', NOW + VERIFIED_TOKEN_TTL_MS - 1)).toBe(CLAIMS);
    expect(v.get('t', NOW + VERIFIED_TOKEN_TTL_MS)).toBeUndefined();
  });

  it('never past the token exp', () => {
    const v = new VerifiedTokens();
    v.remember('t', CLAIMS, NOW / 1000 + 5, NOW);
    expect(v.get('t', NOW + 4_999)).toBe(CLAIMS);
    expect(v.get('t', NOW + 5_000)).toBeUndefined();
  });

  it('does not remember an already expired token, and keys by the exact string', () => {
    const v = new VerifiedTokens();
    v.remember('t', CLAIMS, NOW / 1000, NOW);
    expect(v.get('t', NOW)).toBeUndefined();
    v.remember('a.b.c', CLAIMS, undefined, NOW);
    expect(v.get('a.b.c', NOW)).toBe(CLAIMS);
    expect(v.get('a.b.C', NOW)).toBeUndefined();
  });
});
