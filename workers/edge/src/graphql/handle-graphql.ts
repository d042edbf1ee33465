import type { Claims } from '@conductor/schema/contracts/auth';
import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { ErrorCode } from '@conductor/sdk';
import { authenticate } from '../auth/authenticate.ts';
import { cacheKey, cacheUrl, canonicalVariables, generationDigest, resolveRegion, type CanonicalVariables } from '../cache/keyer.ts';
import { memoSha256Hex } from '../cache/sha256-memo.ts';
import { parseJsonOrUndefined } from '../cache/storable.ts';
import { ALL_TAG, mutationTags, readTags } from '../cache/tags.ts';
import type { ConfigIndex } from '../config/config-index.ts';
import type { EdgeContext } from '../context.ts';
import { EdgeError } from '../http/errors.ts';
import type { GenerationsRead } from '../generations/types.ts';
import type { RequestTrace } from '../metrics/observe.ts';
import { originResponse, type OriginAnswer, type OriginRequest } from '../origin/forward.ts';
import { readThrough } from './cached-read.ts';
import { parseDocument } from './document.ts';
import { readGraphQLParams, type GraphQLParams } from './http-params.ts';
import { rootMutationFields } from './mutation-fields.ts';
import { resolveOperation, type ResolvedOperation } from './resolve-operation.ts';

/** What Apollo Client's persisted-queries link expects in order to retry with the full query. */
const APQ_NOT_FOUND = JSON.stringify({
  errors: [{ message: 'PersistedQueryNotFound', extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND } }],
});

/** GET|POST /graphql. `colo` is request.cf?.colo; `trace` collects what metrics record. */
export async function handleGraphQL(request: Request, cx: EdgeContext, colo: unknown, trace: RequestTrace): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new EdgeError(405, ErrorCode.METHOD_NOT_ALLOWED, 'use GET or POST', { allow: 'GET, POST' });
  }
  const claims = await authenticate(request.headers.get('authorization'), cx.keys, cx.verifiedTokens);
  const index = await cx.config.get(cx.waitUntil);
  const tenant = index.tenants.get(claims.tenant);
  if (!tenant) throw new EdgeError(403, ErrorCode.UNKNOWN_TENANT, `tenant ${claims.tenant} is not served by this edge`);
  trace.tenant = tenant.id;

  const params = await readGraphQLParams(request);
  const vars = await variablesOf(params);
  const resolution = await resolveOperation(params, index, tenant, cx.documents, cx.waitUntil);
  if (resolution.kind === 'apq-not-found') {
    return new Response(APQ_NOT_FOUND, { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  }
  const op = resolution.op;
  trace.opId = op.id;
  trace.opName = op.safelisted?.name ?? params.operationName ?? '';
  if (op.operationType === 'subscription') throw new EdgeError(400, ErrorCode.BAD_REQUEST, 'subscriptions are not served over HTTP');
  if (op.operationType === 'mutation' && params.method === 'GET') {
    throw new EdgeError(405, ErrorCode.METHOD_NOT_ALLOWED, 'mutations must use POST', { allow: 'POST' });
  }
  if (tenant.strictSafelist && !op.safelisted) {
    throw new EdgeError(403, ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, `tenant ${tenant.id} only runs safelisted operations`);
  }

  const originReq: OriginRequest = {
    document: op.document,
    variables: params.variables,
    operationName: params.operationName,
    authorization: request.headers.get('authorization'),
    region: resolveRegion(cx.settings.localRegion, colo),
  };
  if (op.operationType === 'mutation') return mutate(cx, index, tenant.id, op, params, originReq, trace);
  // The switches are emergency brakes: off means straight to the origin, as for an unsafelisted read.
  if (!op.safelisted || op.safelisted.ttlSeconds === 0 || !index.cachingEnabled || !op.safelisted.cachingEnabled) {
    return bypass(cx, originReq, trace);
  }
  return cachedRead(cx, index, tenant.id, claims, op.safelisted, vars, params, originReq, trace);
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

async function cachedRead(
  cx: EdgeContext,
  index: ConfigIndex,
  tenant: string,
  claims: Claims,
  op: EdgeOperation,
  vars: CanonicalVariables,
  params: GraphQLParams,
  originReq: OriginRequest,
  trace: RequestTrace,
): Promise<Response> {
  const key = cacheKey({
    tenant,
    region: originReq.region,
    opId: op.id,
    varsHash: vars.varsHash,
    userHash: op.scope === 'user' ? await memoSha256Hex(claims.sub) : undefined,
  });
  const tags = readTags(op.id, vars.varsHash, params.variables, index.selectorKeySets.get(op.id) ?? []);
  let generations: GenerationsRead;
  try {
    generations = await cx.generations.read(tenant, tags);
  } catch (err) {
    // Fail closed: without current generations any stored entry might be stale.
    console.error('edge: generations unavailable, bypassing the cache', String(err));
    return bypass(cx, originReq, trace);
  }
  return readThrough(cx, cacheUrl(key, await generationDigest(generations, tags)), op, originReq, trace, tenant, generations);
}

/** Straight to the origin, nothing read from or written to the cache. */
async function bypass(cx: EdgeContext, originReq: OriginRequest, trace: RequestTrace): Promise<Response> {
  trace.status = 'BYPASS';
  const answer = await timedForward(cx, originReq, trace);
  trace.bytes = answer.bytes;
  return originResponse(answer, 'BYPASS');
}

async function timedForward(cx: EdgeContext, originReq: OriginRequest, trace: RequestTrace): Promise<OriginAnswer> {
  const started = Date.now();
  try {
    return await cx.origin.forward(originReq);
  } finally {
    trace.originMs = Date.now() - started;
  }
}

/**
 * Mutations are never cached; after a successful one the edge bumps the tags the invalidation map
 * names, before answering, so the caller's next read already misses. "Successful" means a 2xx with
 * a non-null `data`: with several root fields some may have written even though `errors` reports
 * another, and invalidating too much is safe where too little is not.
 */
async function mutate(
  cx: EdgeContext,
  index: ConfigIndex,
  tenant: string,
  op: ResolvedOperation,
  params: GraphQLParams,
  originReq: OriginRequest,
  trace: RequestTrace,
): Promise<Response> {
  trace.status = 'BYPASS';
  const answer = await timedForward(cx, originReq, trace);
  trace.bytes = answer.bytes;
  if (answer.status < 200 || answer.status > 299) return originResponse(answer, 'BYPASS');
  const body = parseJsonOrUndefined(answer.body) as { data?: unknown } | undefined;
  if (typeof body?.data !== 'object' || body.data === null) return originResponse(answer, 'BYPASS');
  const tags = invalidatedBy(index, op, params);
  if (tags.length === 0) return originResponse(answer, 'BYPASS');
  try {
    const bumped = await cx.generations.bump(tenant, `edge-mutation:${crypto.randomUUID()}`, tags);
    cx.metrics.purge({ purgeId: bumped.purgeId, tenant, tags: bumped.tags, duplicate: bumped.duplicate, appliedAt: bumped.appliedAt });
  } catch (err) {
    console.error('edge: invalidation after mutation failed', String(err));
    return originResponse(answer, 'BYPASS', { 'x-conductor-invalidation': 'failed' });
  }
  return originResponse(answer, 'BYPASS');
}

function invalidatedBy(index: ConfigIndex, op: ResolvedOperation, params: GraphQLParams): string[] {
  try {
    const fields = rootMutationFields(parseDocument(op.document), params.operationName, params.variables);
    const tags = new Set<string>();
    for (const f of fields) {
      const rows = index.invalidationsByMutation.get(f.name);
      if (rows) for (const t of mutationTags(rows, (name) => index.queryIdsByName.get(name) ?? [], f.args)) tags.add(t);
    }
    return [...tags];
  } catch (err) {
    // The origin accepted a document we cannot analyse: invalidate the whole tenant rather than guess.
    console.error('edge: cannot derive invalidation tags, purging the tenant', String(err));
    return [ALL_TAG];
  }
}
