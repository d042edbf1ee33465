import { toHex } from './hash.ts';

/**
 * Purge webhooks are signed like Stripe's: `x-conductor-signature: t=<unix seconds>,v1=<hex>`,
 * where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). Signing the timestamp with the body is
 * what makes the replay window enforceable; the purge id inside the body makes retries idempotent.
 */
export const SIGNATURE_HEADER = 'x-conductor-signature';
export const REPLAY_WINDOW_SECONDS = 300;
/**
 * Shortest shared secret (PURGE_SIGNING_SECRET) every signer and verifier accepts: an HMAC-SHA256
 * key shorter than the hash's 32-byte output weakens it (RFC 2104 §3); the generated dev secret is
 * 64 hex characters. purge-secret.ts states it as a zod schema; this module stays zod-free for the edge.
 */
export const PURGE_SECRET_MIN_LENGTH = 32;

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

export async function signWebhook(secret: string, rawBody: string, nowSeconds = unixNow()): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${nowSeconds}.${rawBody}`));
  return `t=${nowSeconds},v1=${toHex(new Uint8Array(mac))}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_MALFORMED' | 'SIGNATURE_EXPIRED' | 'SIGNATURE_INVALID'; message: string };

export async function verifyWebhook(
  secret: string,
  rawBody: string,
  header: string | null | undefined,
  nowSeconds = unixNow(),
): Promise<SignatureCheck> {
  if (!header) return { ok: false, code: 'SIGNATURE_MISSING', message: `missing ${SIGNATURE_HEADER} header` };
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const k = piece.slice(0, eq).trim();
    parts.set(k, [...(parts.get(k) ?? []), piece.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = (parts.get('v1') ?? []).filter((v) => /^[0-9a-f]{64}$/.test(v));
  if (!Number.isSafeInteger(t) || candidates.length === 0) {
    return { ok: false, code: 'SIGNATURE_MALFORMED', message: 'signature header must be t=<unix>,v1=<hex sha256>' };
  }
  if (Math.abs(nowSeconds - t) > REPLAY_WINDOW_SECONDS) {
    return { ok: false, code: 'SIGNATURE_EXPIRED', message: `signature timestamp outside the ${REPLAY_WINDOW_SECONDS}s window` };
  }
  const key = await hmacKey(secret);
  const signed = encoder.encode(`${t}.${rawBody}`);
  for (const hex of candidates) {
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', key, fromHex(hex), signed)) return { ok: true, timestamp: t };
  }
  return { ok: false, code: 'SIGNATURE_INVALID', message: 'signature does not match the body' };
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
