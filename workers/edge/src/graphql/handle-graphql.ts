import type { Claims } from '@conductor/schema/contracts/auth';
import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { ErrorCode, fieldPurgeId, newForwardedPurgeId, signForwardedPurgeId } from '@conductor/sdk';
import { authenticate, knownClaims } from '../auth/authenticate.ts';
import { resolveRegion } from '../cache/keyer.ts';
import { computeUrl, knownUrl } from '../cache/read-plans.ts';
import { knownSha256Hex, memoSha256Hex } from '../cache/sha256-memo.ts';
import { parseJsonOrUndefined } from '../cache/storable.ts';
import { ALL_TAG, mutationTags } from '../cache/tags.ts';
import type { ConfigIndex } from '../config/config-index.ts';
import type { EdgeContext } from '../context.ts';
import { EdgeError } from '../http/errors.ts';
import type { RequestTrace } from '../metrics/observe.ts';
import { originResponse, type OriginAnswer, type OriginRequest } from '../origin/forward.ts';
import { readThrough } from './cached-read.ts';
import { parseDocument } from './document.ts';
import type { GraphQLParams } from './http-params.ts';
import { rootMutationFields } from './mutation-fields.ts';
import { parseRequest, type ParsedRequest } from './parsed-requests.ts';
import { resolveOperation, resolveSafelisted, type ResolvedOperation } from './resolve-operation.ts';

/** What Apollo Client's persisted-queries link expects in order to retry with the full query. */
const APQ_NOT_FOUND = JSON.stringify({
  errors: [{ message: 'PersistedQueryNotFound', extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND } }],
});

/** GET|POST /graphql. `colo` is request.cf?.colo; `trace` collects what metrics record. */
export async function handleGraphQL(request: Request, cx: EdgeContext, colo: unknown, trace: RequestTrace): Promise<Response> {
  const method = request.method;
  if (method !== 'GET' && method !== 'POST') {
    throw new EdgeError(405, ErrorCode.METHOD_NOT_ALLOWED, 'use GET or POST', { allow: 'GET, POST' });
  }
  // A warm hit awaits only its own body: every lookup below answers synchronously when it can.
  const authorization = request.headers.get('authorization');
  const claims = knownClaims(authorization, cx.verifiedTokens) ?? (await authenticate(authorization, cx.keys, cx.verifiedTokens));
  const index = cx.config.current(cx.waitUntil) ?? (await cx.config.get(cx.waitUntil));
  const tenant = index.tenants.get(claims.tenant);
  if (!tenant) throw new EdgeError(403, ErrorCode.UNKNOWN_TENANT, `tenant ${claims.tenant} is not served by this edge`);
  trace.tenant = tenant.id;

  const parsed = await parseRequest(request, method, cx.parsedRequests);
  const params = parsed.params;
  const resolution = resolveSafelisted(params, index) ?? (await resolveOperation(params, index, tenant, cx.documents, cx.waitUntil));
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
    authorization,
    region: resolveRegion(cx.settings.localRegion, colo),
  };
  if (op.operationType === 'mutation') return mutate(cx, index, tenant.id, op, params, originReq, trace);
  // The switches are emergency brakes: off means straight to the origin, as for an unsafelisted read.
  if (!op.safelisted || op.safelisted.ttlSeconds === 0 || !index.cachingEnabled || !op.safelisted.cachingEnabled) {
    return bypass(cx, originReq, trace);
  }
  return cachedRead(cx, index, tenant.id, claims, op.safelisted, parsed, originReq, trace);
}

async function cachedRead(
  cx: EdgeContext,
  index: ConfigIndex,
  tenant: string,
  claims: Claims,
  op: EdgeOperation,
  parsed: ParsedRequest,
  originReq: OriginRequest,
  trace: RequestTrace,
): Promise<Response> {
  const userHash = op.scope === 'user' ? (knownSha256Hex(claims.sub) ?? (await memoSha256Hex(claims.sub))) : undefined;
  const plan = cx.readPlans.plan(parsed, index, tenant, originReq.region, op.id, userHash);
  let generations = cx.generations.cached(tenant, plan.tags);
  if (!generations) {
    try {
      generations = await cx.generations.read(tenant, plan.tags);
    } catch (err) {
      // Fail closed: without current generations any stored entry might be stale.
      console.error('edge: generations unavailable, bypassing the cache', String(err));
      return bypass(cx, originReq, trace);
    }
  }
  const url = knownUrl(plan, generations) ?? (await computeUrl(plan, generations));
  return readThrough(cx, url, op, originReq, trace, { tenant, tags: plan.tags, read: generations });
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
 *
 * The origin purges its own writes too (durably, through its outbox). So that one write is not
 * invalidated twice, the origin is told, in signed headers, the purge id this edge will use, and
 * both sides purge each root field under `fieldPurgeId(id, responseKey)`: the tenant's purge
 * ledger applies whichever arrives first and answers the other `duplicate` (docs/adr/0013).
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
  const purgeId = newForwardedPurgeId();
  const signature = await signForwardedPurgeId(cx.settings.purgeSecret, purgeId);
  const answer = await timedForward(cx, { ...originReq, purge: { id: purgeId, signature } }, trace);
  trace.bytes = answer.bytes;
  if (answer.status < 200 || answer.status > 299) return originResponse(answer, 'BYPASS');
  const body = parseJsonOrUndefined(answer.body) as { data?: unknown } | undefined;
  if (typeof body?.data !== 'object' || body.data === null) return originResponse(answer, 'BYPASS');
  const purges = invalidatedBy(index, op, params);
  const applied = await Promise.allSettled(
    purges.map(async ({ key, tags }) => cx.generations.bump(tenant, key === null ? purgeId : await fieldPurgeId(purgeId, key), tags)),
  );
  let failed = false;
  for (const outcome of applied) {
    if (outcome.status === 'rejected') {
      failed = true;
      console.error('edge: invalidation after mutation failed', String(outcome.reason));
      continue;
    }
    const bumped = outcome.value;
    // A duplicate here is the origin's purge of the write, applied (and acknowledged) first.
    if (!bumped.duplicate) cx.metrics.purge({ purgeId: bumped.purgeId, tenant, tags: bumped.tags, duplicate: false, appliedAt: bumped.appliedAt });
  }
  return failed ? originResponse(answer, 'BYPASS', { 'x-conductor-invalidation': 'failed' }) : originResponse(answer, 'BYPASS');
}

/**
 * What a mutation invalidates, one purge per root field (by response key) that the map names;
 * `key: null` is the whole tenant, for a document the edge cannot analyse.
 */
function invalidatedBy(index: ConfigIndex, op: ResolvedOperation, params: GraphQLParams): Array<{ key: string | null; tags: string[] }> {
  try {
    const byKey = new Map<string, Set<string>>();
    for (const f of rootMutationFields(parseDocument(op.document), params.operationName, params.variables)) {
      const rows = index.invalidationsByMutation.get(f.name);
      if (!rows) continue;
      const tags = byKey.get(f.key) ?? new Set<string>();
      for (const t of mutationTags(rows, (name) => index.queryIdsByName.get(name) ?? [], f.args)) tags.add(t);
      if (tags.size > 0) byKey.set(f.key, tags);
    }
    return [...byKey].map(([key, tags]) => ({ key, tags: [...tags] }));
  } catch (err) {
    // The origin accepted a document we cannot analyse: invalidate the whole tenant rather than guess.
    console.error('edge: cannot derive invalidation tags, purging the tenant', String(err));
    return [{ key: null, tags: [ALL_TAG] }];
  }
}
