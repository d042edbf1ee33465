import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { ErrorCode, FORWARDED_PURGE_ID_HEADER, FORWARDED_PURGE_SIGNATURE_HEADER } from '@conductor/sdk';
import { EdgeError } from '../http/errors.ts';

export interface OriginRequest {
  document: string;
  variables: Record<string, unknown> | null;
  operationName: string | undefined;
  /** The client's Authorization header, unchanged: the origin verifies the JWT itself. */
  authorization: string | null;
  region: string;
  /** A mutation's forwarded purge id and its signature (@conductor/sdk forwarded-purge). */
  purge?: { id: string; signature: string };
}

export interface OriginAnswer {
  status: number;
  contentType: string;
  cacheControl: string | null;
  body: string;
  /** UTF-8 length of `body`, what the client is sent. */
  bytes: number;
}

/** The global `fetch`, or a test's origin (the workerd tests have no network origin to count requests on). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

const decoder = new TextDecoder();

/**
 * POSTs resolved documents to the origin. Unreachable → 502 ORIGIN_UNAVAILABLE; no complete answer
 * within `timeoutMs` (headers and body) → 504 ORIGIN_TIMEOUT.
 */
export class OriginClient {
  constructor(
    private readonly originUrl: string,
    private readonly timeoutMs: number,
    private readonly fetch: Fetch,
  ) {}

  async forward(req: OriginRequest): Promise<OriginAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'x-conductor-region': req.region,
    };
    if (req.authorization) headers.authorization = req.authorization;
    if (req.purge) {
      headers[FORWARDED_PURGE_ID_HEADER] = req.purge.id;
      headers[FORWARDED_PURGE_SIGNATURE_HEADER] = req.purge.signature;
    }
    try {
      const res = await this.fetch(`${this.originUrl}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: req.document, variables: req.variables ?? undefined, operationName: req.operationName }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Bytes first: their length is the metric, and one decode is all the text costs.
      const raw = await res.arrayBuffer();
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? 'application/json',
        cacheControl: res.headers.get('cache-control'),
        body: decoder.decode(raw),
        bytes: raw.byteLength,
      };
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        console.error(`edge: origin did not answer within ${this.timeoutMs} ms`);
        throw new EdgeError(504, ErrorCode.ORIGIN_TIMEOUT, `origin did not answer within ${this.timeoutMs} ms`);
      }
      console.error('edge: origin unavailable', String(err));
      throw new EdgeError(502, ErrorCode.ORIGIN_UNAVAILABLE, 'origin is unavailable');
    }
  }
}

export function originResponse(answer: OriginAnswer, xCache: CacheStatus, extra?: Record<string, string>): Response {
  const headers: Record<string, string> = { 'content-type': answer.contentType, 'x-cache': xCache, ...extra };
  if (answer.cacheControl) headers['cache-control'] = answer.cacheControl;
  return new Response(answer.body, { status: answer.status, headers });
}
