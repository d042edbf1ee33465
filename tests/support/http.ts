import { randomBytes } from 'node:crypto';
import { type ErrorBody, type PurgeCommand, type PurgeReceipt, SIGNATURE_HEADER, signWebhook } from '@conductor/sdk';
import type { Stack } from '../../scripts/stack.ts';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  /** x-cache: HIT | MISS | BYPASS | STALE, or null when absent. */
  cache: string | null;
}

async function reply<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  let body: any = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text, cache: res.headers.get('x-cache') };
}

/** POST /graphql at the edge with a tenant's bearer token. */
export async function edgePost<T = any>(stack: Stack, token: string | null, payload: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const res = await fetch(`${stack.edgeUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return reply<T>(res);
}

/** GET /graphql at the edge with the given query parameters (persisted queries over GET). */
export async function edgeGet<T = any>(stack: Stack, token: string | null, params: Record<string, string>): Promise<Reply<T>> {
  const url = new URL(`${stack.edgeUrl}/graphql`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return reply<T>(res);
}

export async function controlPlane<T = any>(stack: Stack, token: string | null, method: string, path: string, payload?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${stack.controlPlaneUrl}${path}`, {
    method,
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  return reply<T>(res);
}

export function newPurgeId(): string {
  return `test-${randomBytes(8).toString('hex')}`;
}

/** Sends a purge (or its dry run) to the edge hook exactly as an origin would: HMAC over `t.body`. */
export async function signedPurge(
  stack: Stack,
  request: PurgeCommand,
  opts: { secret?: string; nowSeconds?: number; signature?: string | null; rawBody?: string } = {},
): Promise<Reply<PurgeReceipt & ErrorBody>> {
  const raw = opts.rawBody ?? JSON.stringify(request);
  const signature =
    opts.signature === undefined ? await signWebhook(opts.secret ?? stack.secrets.purgeSecret, raw, opts.nowSeconds) : opts.signature;
  const res = await fetch(`${stack.edgeUrl}/__edge/purge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { [SIGNATURE_HEADER]: signature }) },
    body: raw,
  });
  return reply(res);
}

/** Asserts the shared error shape and returns the code. */
export function errorCode(r: Reply): string | undefined {
  const body = r.body as ErrorBody | undefined;
  if (!body?.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string') return undefined;
  return body.error.code;
}

/** POST /graphql at any base URL, e.g. the edge's own workerd socket (`stack.edgeDirectUrl`) for load. */
export async function graphqlPostAt<T = any>(baseUrl: string, token: string | null, payload: unknown): Promise<Reply<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(payload),
  });
  return reply<T>(res);
}

/** A full GraphQL document sent to the origin directly, bypassing the edge: the oracle, or a mutation while the edge is down. */
export async function originPost<T = any>(stack: Stack, token: string, query: string, variables?: Record<string, unknown>): Promise<Reply<T>> {
  return graphqlPostAt<T>(stack.originUrl, token, { query, variables });
}
