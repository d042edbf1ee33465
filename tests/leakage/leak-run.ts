import { isDeepStrictEqual } from 'node:util';
import { graphqlPostAt } from '../support/http.ts';
import { OPS, type DemoOperation } from '../support/operations.ts';
import { pick, prng } from '../support/prng.ts';
import { judge, type Verdict } from './leak-check.ts';

/**
 * The leakage detector's load: a seeded plan of reads (and a few renames) spread over many
 * tenants that all ask the same operations with the same variables, sent with concurrency to the
 * edge, every answer judged by leak-check.ts against what the origin itself answers that tenant.
 */
export interface LeakTenant {
  id: string;
  token: string;
}

export interface Variant {
  op: DemoOperation;
  variables: Record<string, unknown>;
  /** Renamed during the run: judged by tenant id only, not against a fixed origin answer. */
  mutable?: boolean;
}

/** Entities the run renames (through the edge, so the edge's own purge path runs under load too). */
export const MUTABLE_IDS = ['41', '42', '43', '44', '45', '46', '47', '48'];

/** Same ids and limits for every tenant: a keyer that drops the tenant collides on every one. */
export const READ_VARIANTS: Variant[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ op: OPS.EntityById, variables: { id: String(i + 1) } })),
  ...[1, 5, 20].map((limit) => ({ op: OPS.Entities, variables: { limit } })),
  ...Array.from({ length: 20 }, (_, i) => ({ op: OPS.Relationships, variables: { entityId: String(i + 1) } })),
  ...MUTABLE_IDS.map((id) => ({ op: OPS.EntityById, variables: { id }, mutable: true })),
];

export interface LeakRunOptions {
  /** Where the load goes: the edge (its direct workerd socket for speed). */
  edgeUrl: string;
  /** The oracle: the origin, asked directly. */
  originUrl: string;
  tenants: LeakTenant[];
  requests: number;
  concurrency: number;
  seed: number;
  variants?: Variant[];
  /** Share of the plan that renames one of MUTABLE_IDS; 0 for a read-only run. */
  mutationShare?: number;
}

export interface Finding {
  tenant: string;
  request: string;
  xCache: string | null;
  verdict: Exclude<Verdict, { ok: true }>;
}

export interface LeakReport {
  requests: number;
  reads: number;
  /** Distinct (tenant, operation, variables) reads in the plan: each misses at least once. */
  distinctReads: number;
  mutations: number;
  /** x-cache of every read: HIT, MISS, COALESCED, STALE, BYPASS, none. */
  byCache: Record<string, number>;
  leaks: Finding[];
  mismatches: Finding[];
  errors: Finding[];
  durationMs: number;
}

type Step = { kind: 'read'; tenant: LeakTenant; variant: Variant } | { kind: 'rename'; tenant: LeakTenant; id: string; name: string };

export function plan(opts: Pick<LeakRunOptions, 'tenants' | 'requests' | 'seed' | 'variants' | 'mutationShare'>): Step[] {
  const rand = prng(opts.seed);
  const variants = opts.variants ?? READ_VARIANTS;
  return Array.from({ length: opts.requests }, (_, i): Step => {
    const tenant = pick(rand, opts.tenants);
    if (rand() < (opts.mutationShare ?? 0)) return { kind: 'rename', tenant, id: pick(rand, MUTABLE_IDS), name: `renamed in step ${i}` };
    return { kind: 'read', tenant, variant: pick(rand, variants) };
  });
}

export async function runLeakDetector(opts: LeakRunOptions): Promise<LeakReport> {
  const ids = opts.tenants.map((t) => t.id);
  const steps = plan(opts);
  const distinctReads = new Set(steps.map((s) => (s.kind === 'read' ? `${s.tenant.id}|${s.variant.op.documentId}|${JSON.stringify(s.variant.variables)}` : ''))).size;
  const report: LeakReport = { requests: steps.length, reads: 0, distinctReads, mutations: 0, byCache: {}, leaks: [], mismatches: [], errors: [], durationMs: 0 };
  const oracle = new Map<string, Promise<unknown>>();

  function expected(tenant: LeakTenant, v: Variant): Promise<unknown> {
    const key = `${tenant.id}|${v.op.documentId}|${JSON.stringify(v.variables)}`;
    let answer = oracle.get(key);
    if (!answer) {
      answer = graphqlPostAt(opts.originUrl, tenant.token, { query: v.op.body, variables: v.variables }).then((r) => {
        if (r.status !== 200) throw new Error(`oracle: origin answered ${r.status} for ${key}: ${r.text}`);
        return r.body;
      });
      oracle.set(key, answer);
    }
    return answer;
  }

  function record(tenant: LeakTenant, request: string, xCache: string | null, verdict: Verdict): void {
    if (verdict.ok) return;
    const finding = { tenant: tenant.id, request, xCache, verdict };
    if (verdict.kind === 'leak') report.leaks.push(finding);
    else if (verdict.kind === 'mismatch') report.mismatches.push(finding);
    else report.errors.push(finding);
  }

  async function run(step: Step): Promise<void> {
    if (step.kind === 'rename') {
      report.mutations++;
      const variables = { id: step.id, name: step.name };
      const r = await graphqlPostAt(opts.edgeUrl, step.tenant.token, { documentId: OPS.UpdateEntity.documentId, variables });
      // The origin prefixes the tenant id, so a rename answer must name its own tenant only.
      record(step.tenant, `UpdateEntity ${JSON.stringify(variables)}`, r.cache, judge(r, step.tenant.id, ids, undefined, isDeepStrictEqual));
      return;
    }
    report.reads++;
    const { variant } = step;
    const r = await graphqlPostAt(opts.edgeUrl, step.tenant.token, { documentId: variant.op.documentId, variables: variant.variables });
    const xCache = r.cache ?? 'none';
    report.byCache[xCache] = (report.byCache[xCache] ?? 0) + 1;
    const want = variant.mutable ? undefined : await expected(step.tenant, variant);
    record(step.tenant, `${variant.op.documentId.slice(0, 15)}… ${JSON.stringify(variant.variables)}`, r.cache, judge(r, step.tenant.id, ids, want, isDeepStrictEqual));
  }

  const started = Date.now();
  let next = 0;
  // A fixed pool of workers, each taking the next step: `concurrency` requests in flight at all times.
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < steps.length) await run(steps[next++]!);
    }),
  );
  report.durationMs = Date.now() - started;
  return report;
}

/** One line for the test log: the numbers that say how hard the run pushed the cache. */
export function summary(r: LeakReport): string {
  const rate = Math.round((r.requests / Math.max(1, r.durationMs)) * 1000);
  return `${r.requests} requests (${r.reads} reads of ${r.distinctReads} distinct, ${r.mutations} renames) in ${(r.durationMs / 1000).toFixed(1)} s, ${rate}/s; x-cache ${JSON.stringify(r.byCache)}; leaks ${r.leaks.length}, mismatches ${r.mismatches.length}, errors ${r.errors.length}`;
}
