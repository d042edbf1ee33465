import { ErrorCode } from '../../../../schema/contracts/errors.ts';
import { EdgeError } from '../http/errors.ts';

export const ORIGIN_TIMEOUT_MS = 10_000;

export interface OriginRequest {
  document: string;
  variables: Record<string, unknown> | null;
  operationName: string | undefined;
  /** The client's Authorization header, unchanged: the origin verifies the JWT itself. */
  authorization: string | null;
  region: string;
}

export interface OriginAnswer {
  status: number;
  contentType: string;
  cacheControl: string | null;
  body: string;
}

/** POSTs the resolved document to the origin; unreachable or slower than 10 s → 502 ORIGIN_UNAVAILABLE. */
export async function forwardToOrigin(originUrl: string, req: OriginRequest): Promise<OriginAnswer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    'x-conductor-region': req.region,
  };
  if (req.authorization) headers.authorization = req.authorization;
  try {
    const res = await fetch(`${originUrl}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: req.document, variables: req.variables ?? undefined, operationName: req.operationName }),
      signal: AbortSignal.timeout(ORIGIN_TIMEOUT_MS),
    });
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? 'application/json',
      cacheControl: res.headers.get('cache-control'),
      body: await res.text(),
    };
  } catch (err) {
    console.error('edge: origin unavailable', String(err));
    throw new EdgeError(502, ErrorCode.ORIGIN_UNAVAILABLE, 'origin is unavailable');
  }
}

export function originResponse(answer: OriginAnswer, xCache: 'MISS' | 'BYPASS', extra?: Record<string, string>): Response {
  const headers = new Headers({ 'content-type': answer.contentType, 'x-cache': xCache, ...extra });
  if (answer.cacheControl) headers.set('cache-control', answer.cacheControl);
  return new Response(answer.body, { status: answer.status, headers });
}
