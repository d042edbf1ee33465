import type { AcceptTtlResult, TtlRecommendation, TtlRecommendations } from '@conductor/schema/contracts/cache-admin';
import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../../audit/record.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { listInvalidations } from '../invalidation-map/queries.ts';
import { lockCacheConfig } from '../lock.ts';
import { getOperationsByName, listOperations } from '../safelist/queries.ts';
import { appliedReceipts } from '../../edge-metrics/purges.ts';
import { ALL_TENANTS } from '../../edge-metrics/scope.ts';
import { requestsByStatus } from '../../edge-metrics/traffic.ts';
import type { Window } from '../../edge-metrics/window.ts';
import {
  aggregateOperations,
  cacheableTraffic,
  observationStart,
  queryOperationsByName,
  type OperationInputs,
  type TrafficRow,
  type VersionRow,
} from './aggregate.ts';
import { setTtlByName } from './queries.ts';
import { DEFAULT_TTL_TUNING, recommendTtl, type TtlTuningOptions } from './recommend.ts';

/** One recommendation per safelisted query name, from the edge metrics of the window. */
export async function listTtlRecommendations(db: Db, window: Window, opts: TtlTuningOptions = DEFAULT_TTL_TUNING): Promise<TtlRecommendations> {
  const recommendations = await recommendFor(db, await listOperations(db), window, opts);
  return { from: window.from.toISOString(), to: window.to.toISOString(), rule: { ...opts }, operations: recommendations };
}

/**
 * Applies the recommendation for one name to every version, in one transaction with its audit
 * row. Only the TTL the rule recommends for the same window can be accepted: "accept" means
 * "apply what the model says"; any other TTL is a manual change (PATCH /v1/safelist/{id}).
 * The recommendation is recomputed under the cache-config lock, so it is the one being applied
 * even if traffic or TTLs moved since the admin looked.
 */
export async function acceptTtlRecommendation(
  db: Db,
  actor: string,
  name: string,
  ttlSeconds: number,
  window: Window,
  opts: TtlTuningOptions = DEFAULT_TTL_TUNING,
): Promise<AcceptTtlResult> {
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const versions = await getOperationsByName(tx, name);
    if (versions.length === 0) throw new ApiError(404, ErrorCode.UNKNOWN_OPERATION, `no safelisted operation is named ${name}`);
    const [recommendation] = await recommendFor(tx, versions, window, opts);
    if (!recommendation) throw new ApiError(409, ErrorCode.CONFLICT, `${name} is a ${versions[0]!.operationType}: only queries are cached`);
    // A retried accept (or one for a TTL already in place) changes nothing: answer 200 without a write.
    if (versions.every((v) => v.ttlSeconds === ttlSeconds)) return { name, ttlSeconds, recommendation, updated: [] };
    const recommended = recommendation.recommendedTtlSeconds;
    if (recommended === null) throw new ApiError(409, ErrorCode.CONFLICT, `no TTL recommendation for ${name}: ${recommendation.reason}`);
    if (recommended !== ttlSeconds) {
      throw new ApiError(
        409,
        ErrorCode.CONFLICT,
        `the recommended TTL for ${name} over ${window.from.toISOString()}..${window.to.toISOString()} is ${recommended} s, not ${ttlSeconds} s; ` +
          'only the recommendation can be accepted (set another TTL with PATCH /v1/safelist/{id})',
      );
    }
    const updated = await setTtlByName(tx, name, ttlSeconds);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'cache.ttl.accept',
      target: `operation:${name}`,
      payload: {
        before: { ttlSeconds: recommendation.currentTtlSeconds },
        after: { ttlSeconds },
        versions: updated,
        window: { from: window.from.toISOString(), to: window.to.toISOString() },
        hitRatio: recommendation.hitRatio,
        inputs: recommendation.inputs,
        reason: recommendation.reason,
      },
    });
    return { name, ttlSeconds, recommendation, updated };
  });
}

async function recommendFor(db: Db, versions: VersionRow[], window: Window, opts: TtlTuningOptions): Promise<TtlRecommendation[]> {
  // One traffic query per name: each name has its own observation start (its last change).
  const traffic: TrafficRow[] = [];
  for (const [, named] of queryOperationsByName(versions)) {
    const since = observationStart(named, window.from);
    if (since >= window.to) continue;
    const rows = await requestsByStatus(db, { scope: ALL_TENANTS, window: { from: since, to: window.to }, opIds: named.map((v) => v.id) });
    traffic.push(...cacheableTraffic(rows));
  }
  const inputs = aggregateOperations({
    versions,
    traffic,
    receipts: await appliedReceipts(db, ALL_TENANTS, window),
    coveredNames: new Set((await listInvalidations(db)).map((e) => e.affectedOp)),
    window,
  });
  return inputs.map((op) => toRecommendation(op, window, opts));
}

function toRecommendation(op: OperationInputs, window: Window, opts: TtlTuningOptions): TtlRecommendation {
  const r = recommendTtl(op, opts);
  const { windowSeconds } = op;
  const reason =
    r.recommendedTtlSeconds === null && op.observedFrom > window.from
      ? `${r.reason} (observed since ${op.observedFrom.toISOString()}, the operation's last change: earlier traffic was served under another configuration)`
      : r.reason;
  return {
    name: op.name,
    versions: op.versions,
    currentTtlSeconds: op.currentTtlSeconds,
    recommendedTtlSeconds: r.recommendedTtlSeconds,
    hitRatio: {
      observed: op.requests > 0 ? op.hits / op.requests : null,
      predictedAtCurrent: r.predictedAtCurrent,
      predictedAtRecommended: r.predictedAtRecommended,
      attainable: r.attainableHitRatio,
    },
    inputs: {
      observedFrom: op.observedFrom.toISOString(),
      windowSeconds,
      requests: op.requests,
      hits: op.hits,
      requestRate: windowSeconds > 0 ? op.requests / windowSeconds : 0,
      lambdaPerKey: r.lambdaPerKey,
      mu: op.mu,
      invalidations: op.invalidations,
    },
    reason,
    coveredByInvalidationMap: op.coveredByInvalidationMap,
  };
}
