import type { Claims } from '@conductor/schema/contracts/auth';

/**
 * How long a verified token's claims are reused without re-checking its signature. Bounded so a
 * signing key withdrawn from the JWKS stops being honoured soon after; `exp` is still enforced on
 * every use.
 */
export const VERIFIED_TOKEN_TTL_MS = 30_000;
const MAX_TOKENS = 2_048;

interface Entry {
  claims: Claims;
  /** Epoch ms after which the entry must not be used: min(token exp, verifiedAt + TTL). */
  until: number;
}

/**
 * Isolate memo of tokens that passed verification, keyed by the exact string they arrived in (the
 * Authorization header value, see authenticate.ts): a different spelling is simply another key.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  get(token: string, now: number): Claims | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (now >= e.until) {
      this.entries.delete(token);
      return undefined;
    }
    return e.claims;
  }

  /** `expSeconds` is the token's `exp` claim. */
  remember(token: string, claims: Claims, expSeconds: number | undefined, now: number): void {
    const until = Math.min(now + VERIFIED_TOKEN_TTL_MS, expSeconds === undefined ? Infinity : expSeconds * 1000);
    if (until <= now) return;
    if (this.entries.size >= MAX_TOKENS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, until });
  }
}
