import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';
import { READ_VARIANTS, runLeakDetector, summary, type LeakTenant } from './leak-run.ts';

// ≥ 20,000 requests over ≥ 20 tenants asking the same operations with the same variables, with
// concurrency and a few renames through the edge; no answer may carry another tenant's data.
// LEAKAGE_SEED replays the same request plan; LEAKAGE_REQUESTS scales the run.
let stack: TestStack;
beforeAll(async () => {
  // Low origin latency: misses should not dominate the run time; the cache is what is under test.
  stack = await startTestStack({ originLatencyMs: 5 });
});
// Twice, after a long run on the loaded machine, stopping the stack outlived the default 60 s hook
// timeout (inside the origin's close; not reproduced since the outbox bounds its rounds): the
// per-component timings say where if it happens again.
afterAll(async () => {
  for (const c of ['edge', 'origin', 'controlPlane'] as const) {
    const started = Date.now();
    await stack?.components.stop(c);
    console.log(`[leakage] stopped ${c} in ${Date.now() - started} ms`);
  }
  await stack?.stop();
}, 5 * 60_000);

const SEED = Number(process.env.LEAKAGE_SEED ?? 20261126);
const REQUESTS = Number(process.env.LEAKAGE_REQUESTS ?? 20_000);
const TENANTS = 22;
const CONCURRENCY = 32;

// Measured on the shared 2-CPU machine (the run is CPU-bound): 20,000 requests in 62–83 s
// (240–320/s, whole pack 85 s) when it was moderately busy, 257 s and 462 s at load average ~15 (the edge's own health
// endpoint then served ~130 req/s). The timeout leaves room for a loaded machine.
it(`never answers a tenant with another tenant's data (seed ${SEED}, ${REQUESTS} requests)`, { timeout: 15 * 60_000 }, async () => {
  const created = await Promise.all(Array.from({ length: TENANTS }, () => createTenant(stack, { prefix: 'leak' })));
  const tenants: LeakTenant[] = [
    ...created,
    // The seeded demo tenants too (globex is strict-safelist): short ids, and the names `npm start` shows.
    { id: 'acme', token: await stack.token({ tenant: 'acme' }) },
    { id: 'globex', token: await stack.token({ tenant: 'globex' }) },
  ];

  const report = await runLeakDetector({
    edgeUrl: stack.edgeDirectUrl,
    originUrl: stack.originUrl,
    tenants,
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    seed: SEED,
    mutationShare: 0.01,
  });
  console.log(`[leakage] ${summary(report)}`);

  expect(report.leaks.slice(0, 5), 'responses carrying another tenant’s data').toEqual([]);
  expect(report.mismatches.slice(0, 5), 'responses that differ from the origin’s own answer').toEqual([]);
  expect(report.errors.slice(0, 5), 'non-200 answers').toEqual([]);
  expect(report.requests).toBeGreaterThanOrEqual(Math.min(REQUESTS, 20_000));
  expect(tenants.length).toBeGreaterThanOrEqual(20);
  // The run proves something only if the cache served most of it: every tenant×variant pair
  // misses once, then mostly hits (renames purge a few keys, long runs see TTLs lapse).
  const hits = report.byCache.HIT ?? 0;
  expect(hits, summary(report)).toBeGreaterThan((report.reads - report.distinctReads) / 2);
  expect(report.byCache.MISS ?? 0).toBeGreaterThanOrEqual(READ_VARIANTS.length);
  expect(report.mutations).toBeGreaterThan(0);
});
