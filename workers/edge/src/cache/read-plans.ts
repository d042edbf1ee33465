import type { ConfigIndex } from '../config/config-index.ts';
import type { GenerationsRead } from '../generations/types.ts';
import type { ParsedRequest } from '../graphql/parsed-requests.ts';
import { cacheKey, cacheUrl, generationDigest } from './keyer.ts';
import { readTags } from './tags.ts';

/** What a cached read needs beyond its request: its cache key, tags, and the URL last computed. */
export interface ReadPlan {
  readonly index: ConfigIndex;
  readonly tenant: string;
  readonly region: string;
  readonly opId: string;
  readonly userHash: string | undefined;
  readonly key: string;
  /** Generation tags of the read (tags.ts readTags), fixed per config version. */
  readonly tags: readonly string[];
  /** The storage epoch and generations (in `tags` order) `url` was computed from. */
  epoch: string | null;
  gens: number[];
  url: string;
}

/** Plans kept per parsed request: one per tenant, region and user that sent those bytes. */
export const PLANS_PER_REQUEST = 8;

/**
 * Read plans, attached to a parsed request (graphql/parsed-requests.ts remembers one object per
 * hot request's bytes, so the plan is found by identity, without building or hashing the cache key
 * again). A warm hit whose generations have not changed since the last request of its key reuses
 * that request's URL: the URL is a function of the key, the epoch and the generations alone, so
 * equal inputs need no digest; any bumped tag changes the input (docs/adr/0001). A plan holds for
 * one config version: the tags depend on the invalidation map.
 */
export class ReadPlans {
  private readonly byRequest = new WeakMap<ParsedRequest, ReadPlan[]>();

  plan(request: ParsedRequest, index: ConfigIndex, tenant: string, region: string, opId: string, userHash: string | undefined): ReadPlan {
    let plans = this.byRequest.get(request);
    if (!plans) {
      plans = [];
      this.byRequest.set(request, plans);
    }
    for (const p of plans) {
      // Strings from the config, the settings and the memos are the same objects on every request.
      if (p.index === index && p.tenant === tenant && p.region === region && p.opId === opId && p.userHash === userHash) return p;
    }
    const { varsHash } = request.vars;
    const plan: ReadPlan = {
      index,
      tenant,
      region,
      opId,
      userHash,
      key: cacheKey({ tenant, region, opId, varsHash, userHash }),
      tags: readTags(opId, varsHash, request.params.variables, index.selectorKeySets.get(opId) ?? []),
      epoch: null,
      gens: [],
      url: '',
    };
    if (plans.length >= PLANS_PER_REQUEST) plans.shift();
    plans.push(plan);
    return plan;
  }
}

/** The plan's URL when `read` carries the generations it was computed from; null when it must be computed. */
export function knownUrl(plan: ReadPlan, read: GenerationsRead): string | null {
  if (plan.epoch !== read.epoch) return null;
  const { tags, gens } = plan;
  for (let i = 0; i < tags.length; i++) if (read.generations[tags[i]!] !== gens[i]) return null;
  return plan.url;
}

/** Computes the plan's URL under `read` and keeps it for the next request. */
export async function computeUrl(plan: ReadPlan, read: GenerationsRead): Promise<string> {
  const url = cacheUrl(plan.key, await generationDigest(read, plan.tags));
  plan.gens = plan.tags.map((t) => read.generations[t] ?? 0);
  plan.epoch = read.epoch;
  plan.url = url;
  return url;
}
