import { ErrorCode } from '@conductor/sdk';
import { canonicalVariables, type CanonicalVariables } from '../cache/keyer.ts';
import { readTextLimited } from '../http/body.ts';
import { EdgeError } from '../http/errors.ts';
import { paramsFromBody, paramsFromQuery, type GraphQLParams } from './http-params.ts';

/** What a request's bytes parse to: its params, and its variables in canonical form with their hash. */
export interface ParsedRequest {
  readonly params: GraphQLParams;
  readonly vars: CanonicalVariables;
}

/** Requests remembered per method; first in, first out. */
export const PARSED_MAX_ENTRIES = 1_024;
/** Longer bodies or query strings are parsed every time: they are rarely the hot ones. */
export const PARSED_MAX_BYTES = 2_048;

/**
 * Requests already parsed, by their exact bytes: a POST body, or a GET query string. A hot key
 * repeats the same bytes, and what they parse to depends on nothing else, so one Map lookup
 * replaces JSON.parse, validation, canonicalisation and hashing (bench:edge-profile). Only
 * requests that parsed are remembered, frozen, since the same objects then serve every request
 * with those bytes. Bounded: at most PARSED_MAX_ENTRIES × PARSED_MAX_BYTES of keys per method.
 */
export class ParsedRequests {
  private readonly byMethod = { GET: new Map<string, ParsedRequest>(), POST: new Map<string, ParsedRequest>() };

  get(method: 'GET' | 'POST', bytes: string): ParsedRequest | undefined {
    return this.byMethod[method].get(bytes);
  }

  remember(method: 'GET' | 'POST', bytes: string, parsed: ParsedRequest): ParsedRequest {
    if (bytes.length > PARSED_MAX_BYTES) return parsed;
    const entries = this.byMethod[method];
    if (entries.size >= PARSED_MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(bytes, deepFreeze(parsed));
    return parsed;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Reads a request's params and canonical variables: from `memo` when these bytes parsed before. */
export async function parseRequest(request: Request, method: 'GET' | 'POST', memo: ParsedRequests): Promise<ParsedRequest> {
  const bytes = method === 'POST' ? await readTextLimited(request) : new URL(request.url).search;
  const known = memo.get(method, bytes);
  if (known) return known;
  const params = method === 'POST' ? paramsFromBody(bytes) : paramsFromQuery(bytes);
  return memo.remember(method, bytes, { params, vars: await variablesOf(params) });
}

async function variablesOf(params: GraphQLParams): Promise<CanonicalVariables> {
  let vars: CanonicalVariables | null;
  try {
    vars = await canonicalVariables(params.variables);
  } catch (err) {
    // JSON.parse turns 1e400 into Infinity, which has no canonical form.
    throw new EdgeError(400, ErrorCode.BAD_REQUEST, `variables: ${(err as Error).message}`);
  }
  if (!vars) throw new EdgeError(413, ErrorCode.PAYLOAD_TOO_LARGE, 'variables too large');
  return vars;
}
