import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';
import { READ_VARIANTS, runLeakDetector, summary } from './leak-run.ts';

// Proof that the leakage detector can fail: the same stack code starts an edge built with
// broken-keyer.ts in place of workers/edge/src/cache/keyer.ts (a wrangler `alias` in this test's
// build only), and the detector must report leaks against it.
const BROKEN_KEYER = fileURLToPath(new URL('./broken-keyer.ts', import.meta.url));
// The module specifiers the edge's sources import the keyer by: from graphql/ (parsed requests,
// document registry, handler) and from cache/ itself (read-plans.ts, which builds the keys and URLs).
const KEYER_IMPORTS = ['../cache/keyer.ts', './keyer.ts'];

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ originLatencyMs: 5, edgeBuildAlias: Object.fromEntries(KEYER_IMPORTS.map((k) => [k, BROKEN_KEYER])) });
});
afterAll(async () => {
  await stack?.stop();
});

it('finds cross-tenant leaks when the keyer leaves the tenant out', { timeout: 5 * 60_000 }, async () => {
  const tenants = await Promise.all(Array.from({ length: 4 }, () => createTenant(stack, { prefix: 'leak' })));

  const report = await runLeakDetector({
    edgeUrl: stack.edgeDirectUrl,
    originUrl: stack.originUrl,
    tenants,
    requests: 300,
    concurrency: 8,
    seed: 7,
    // A handful of shared variants, so tenants collide on the same broken keys early.
    variants: READ_VARIANTS.slice(0, 5),
  });
  console.log(`[leakage, broken keyer] ${summary(report)}`);

  expect(report.leaks.length, summary(report)).toBeGreaterThan(0);
  // A leak is another tenant's body served from the cache, not an origin mistake.
  expect(report.leaks.every((f) => f.xCache === 'HIT' || f.xCache === 'COALESCED' || f.xCache === 'STALE')).toBe(true);
  const victims = new Set(report.leaks.map((f) => f.tenant));
  expect(victims.size).toBeGreaterThan(1);
});
