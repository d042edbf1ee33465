import { ErrorCode } from '@conductor/sdk';
import { readTextLimited } from '../http/body.ts';
import { EdgeError } from '../http/errors.ts';

/** A GraphQL-over-HTTP request, before the document is resolved. */
export interface GraphQLParams {
  method: 'GET' | 'POST';
  query: string | undefined;
  variables: Record<string, unknown> | null;
  operationName: string | undefined;
  /** Apollo APQ `extensions.persistedQuery.sha256Hash` (lowercase hex). */
  apqHash: string | undefined;
  /** Persisted-documents draft: `sha256:<hex>`. */
  documentId: string | undefined;
}

/** POST reads the JSON body (64 KiB cap); GET reads the same members from the query string. */
export async function readGraphQLParams(request: Request): Promise<GraphQLParams> {
  return request.method === 'POST' ? paramsFromBody(await readTextLimited(request)) : paramsFromQuery(new URL(request.url).search);
}

/** The params of a POST body. */
export function paramsFromBody(text: string): GraphQLParams {
  return fromRecord('POST', parseJson(text, 'request body'));
}

/** The params of a GET query string (`?…`, as URL.search gives it). */
export function paramsFromQuery(search: string): GraphQLParams {
  const sp = new URLSearchParams(search);
  const raw: Record<string, unknown> = {};
  for (const name of ['query', 'operationName', 'documentId'] as const) {
    const v = sp.get(name);
    if (v !== null) raw[name] = v;
  }
  for (const name of ['variables', 'extensions'] as const) {
    const v = sp.get(name);
    if (v !== null && v !== '') raw[name] = parseJson(v, name);
  }
  return fromRecord('GET', raw);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EdgeError(400, ErrorCode.BAD_JSON, `${what} is not valid JSON`);
  }
}

function fromRecord(method: 'GET' | 'POST', raw: unknown): GraphQLParams {
  if (!isRecord(raw)) throw badRequest('request must be a JSON object');
  const query = optionalString(raw.query, 'query');
  const operationName = optionalString(raw.operationName, 'operationName');
  const documentId = optionalString(raw.documentId, 'documentId');
  if (documentId !== undefined && !/^sha256:[0-9a-f]{64}$/.test(documentId)) {
    throw badRequest('documentId must be sha256:<64 lowercase hex>');
  }
  const variables = raw.variables ?? null;
  if (variables !== null && !isRecord(variables)) throw badRequest('variables must be an object');
  const extensions = raw.extensions ?? null;
  if (extensions !== null && !isRecord(extensions)) throw badRequest('extensions must be an object');
  let apqHash: string | undefined;
  const pq = extensions?.persistedQuery;
  if (pq !== undefined) {
    if (!isRecord(pq) || pq.version !== 1 || typeof pq.sha256Hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(pq.sha256Hash)) {
      throw badRequest('extensions.persistedQuery must be {version: 1, sha256Hash: <64 hex>}');
    }
    apqHash = pq.sha256Hash.toLowerCase();
  }
  if (query === undefined && documentId === undefined && apqHash === undefined) {
    throw badRequest('one of query, documentId or extensions.persistedQuery is required');
  }
  return { method, query, variables, operationName, apqHash, documentId };
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badRequest(message: string): EdgeError {
  return new EdgeError(400, ErrorCode.BAD_REQUEST, message);
}
