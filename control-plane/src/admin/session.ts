import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { ClaimsSchema, JWT_ALG, JWT_AUDIENCE, JWT_ISSUER, type Claims } from '@conductor/schema/contracts/auth';
import type { AppEnv } from '../http/env.ts';

/**
 * The admin session is the user's JWT itself, in an HttpOnly, SameSite=Strict cookie scoped to
 * /admin: scripts cannot read it and other sites cannot make the browser send it. The API verifies
 * it again on every in-process call; it is verified here only to know who to greet and whether to
 * send the visitor to the sign-in page.
 */
export const SESSION_COOKIE = 'conductor_admin_session';
export const TENANT_COOKIE = 'conductor_admin_tenant';
export const FLASH_COOKIE = 'conductor_admin_flash';
const COOKIE_PATH = '/admin';

export interface Session {
  token: string;
  claims: Claims;
  expiresAt: Date | undefined;
}

export type SessionCheck = { ok: true; session: Session } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

const keySets = new WeakMap<JWK[], ReturnType<typeof createLocalJWKSet>>();

/** Same checks as the API's requireAuth: our keys, issuer, audience and algorithm only. */
export async function verifyToken(publicJwks: JWK[], token: string): Promise<SessionCheck> {
  let keySet = keySets.get(publicJwks);
  if (!keySet) keySets.set(publicJwks, (keySet = createLocalJWKSet({ keys: publicJwks })));
  try {
    const { payload } = await jwtVerify(token, keySet, { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, algorithms: [JWT_ALG] });
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'invalid' };
    return { ok: true, session: { token, claims: claims.data, expiresAt: payload.exp ? new Date(payload.exp * 1000) : undefined } };
  } catch (err) {
    return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export async function readSession(c: Context<AppEnv>): Promise<SessionCheck> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return { ok: false, reason: 'missing' };
  return verifyToken(c.var.deps.publicJwks, token);
}

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

export function startSession(c: Context, session: Session): void {
  const maxAge = session.expiresAt ? Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)) : 3600;
  setCookie(c, SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'Strict', secure: secure(c), path: COOKIE_PATH, maxAge });
  deleteCookie(c, TENANT_COOKIE, { path: COOKIE_PATH });
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: secure(c) });
  deleteCookie(c, TENANT_COOKIE, { path: COOKIE_PATH, secure: secure(c) });
}

export function readSelectedTenant(c: Context): string | undefined {
  return getCookie(c, TENANT_COOKIE);
}

export function selectTenant(c: Context, tenant: string): void {
  setCookie(c, TENANT_COOKIE, tenant, { httpOnly: true, sameSite: 'Strict', secure: secure(c), path: COOKIE_PATH });
}

/** One-shot message shown after a redirect (post/redirect/get). */
export function setFlash(c: Context, message: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(message.slice(0, 300)), { httpOnly: true, sameSite: 'Strict', secure: secure(c), path: COOKIE_PATH, maxAge: 60 });
}

export function takeFlash(c: Context): string | undefined {
  const raw = getCookie(c, FLASH_COOKIE);
  if (raw === undefined) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: COOKIE_PATH });
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * CSRF token of a session: a hash of the (HttpOnly, unreadable to other sites) session token, so
 * only a page the control plane rendered for this session can carry it. Checked on every form post
 * in addition to the Origin / Sec-Fetch-Site check.
 */
export async function csrfToken(sessionToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`conductor-admin-csrf\u0000${sessionToken}`));
  let bin = '';
  for (const b of new Uint8Array(digest)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The browser says the post came from this origin (Sec-Fetch-Site, else Origin). */
export function sameOriginPost(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = c.req.header('origin');
  return origin !== undefined && origin === new URL(c.req.url).origin;
}

/** Only local admin paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/admin') || next.startsWith('//') || /[\\\r\n]/.test(next)) return '/admin';
  return next;
}
