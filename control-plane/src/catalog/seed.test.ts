import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationManifestSchema } from '@conductor/schema/contracts/cache-admin';
import { listAudit } from '../audit/queries.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import type { OpenedDatabase } from '../db/client.ts';
import { seedDemo } from '../seed/demo.ts';
import { readDemoJson } from '../seed/demo-files.ts';
import { openTestDatabase } from '../testing/database.ts';
import { listOps, listServices } from './queries.ts';
import { CatalogFileError, DEMO_CATALOG_FILE, planCatalog, seedCatalog } from './seed.ts';

const FILE = 'catalog.yaml';

const VALID = `
apiVersion: conductor.dev/catalog/v1
services:
  - name: api
    owner: team-a
    system: shop
    lifecycle: production
    dependsOn: [db]
    pricing: { model: instance, instanceHourMicros: 48000, instances: 2, perInstanceConcurrency: 8 }
    ops:
      - id: get-item
        name: Get item
        p95TargetMs: 100
        p99TargetMs: 200
        unitCostUSD: "0.000012"
        slo: { objective: 99.9%, windowDays: 28 }
        fallback: { serviceTimeMeanMs: 30, serviceTimeScv: 0.5, arrivalRatePerSecond: 10 }
  - name: db
    owner: team-b
    system: shop
    lifecycle: experimental
    pricing: { model: request, perRequestMicros: "1", gbSecondMicros: 17, memoryMb: 128 }
`;

/** The problems a file is rejected with (the error names the file too). */
function problemsOf(text: string): string[] {
  try {
    planCatalog(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogFileError);
    expect((err as Error).message.startsWith(`${FILE}: invalid catalog`)).toBe(true);
    return (err as CatalogFileError).problems;
  }
  throw new Error('the file was accepted');
}

describe('planCatalog (pure)', () => {
  it('normalises a valid file to exact integers, dependencies first', () => {
    const plan = planCatalog(VALID, FILE);
    expect(plan.services.map((s) => s.name)).toEqual(['db', 'api']);
    expect(plan.services[1]!.input.pricing).toEqual({ model: 'instance', instanceHourMicros: 48000n, instances: 2, perInstanceConcurrency: 8 });
    expect(plan.services[0]!.input.pricing).toEqual({ model: 'request', perRequestMicros: 1n, gbSecondMicros: 17n, memoryMb: 128 });
    expect(plan.ops).toEqual([
      {
        id: 'get-item',
        name: 'Get item',
        service: 'api',
        p95TargetMs: 100,
        p99TargetMs: 200,
        unitCostMicros: 12n,
        sloObjectivePpm: 999000,
        sloWindowDays: 28,
        safelistedOperation: null,
        serviceTimeMeanMs: 30,
        serviceTimeScv: 0.5,
        arrivalRatePerSecond: 10,
      },
    ]);
  });

  it.each([
    ['YAML syntax', 'apiVersion: [unclosed', /^YAML syntax: /],
    ['wrong apiVersion', VALID.replace('conductor.dev/catalog/v1', 'backstage.io/v1alpha1'), /^apiVersion: /],
    ['unknown lifecycle', VALID.replace('lifecycle: production', 'lifecycle: beta'), /^services\[0\]\.lifecycle: /],
    ['unknown top-level key', `${VALID}\nextra: 1\n`, /^\(root\): .*extra/],
    ['missing pricing input', VALID.replace('instances: 2, ', ''), /^services\[0\]\.pricing\.instances: /],
    ['money as a float', VALID.replace('instanceHourMicros: 48000', 'instanceHourMicros: 48000.5'), /^services\[0\]\.pricing\.instanceHourMicros: /],
    ['USD with more than 6 decimals', VALID.replace('"0.000012"', '"0.0000125"'), /^services\[0\]\.ops\[0\]\.unitCostUSD: .*6 decimals/],
    ['both unit cost forms', VALID.replace('unitCostUSD: "0.000012"', 'unitCostUSD: "0.000012"\n        unitCostMicros: 12'), /^services\[0\]\.ops\[0\]\.unitCostMicros: give exactly one/],
    ['objective of 100%', VALID.replace('99.9%', '100%'), /^services\[0\]\.ops\[0\]\.slo\.objective: /],
    ['p99 below p95', VALID.replace('p99TargetMs: 200', 'p99TargetMs: 50'), /^services\[0\]\.ops\[0\]\.p99TargetMs: p99TargetMs must be at least p95TargetMs/],
    ['op naming its service', VALID.replace('        name: Get item', '        name: Get item\n        service: db'), /^services\[0\]\.ops\[0\]\.service: /],
    ['unknown dependency', VALID.replace('dependsOn: [db]', 'dependsOn: [cache]'), /^services\[0\]\.dependsOn\[0\]: unknown service "cache"/],
    ['duplicate service', VALID.replace('name: db', 'name: api'), /duplicate service "api"/],
  ])('rejects %s, naming where', (_what, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true);
  });

  it('rejects a duplicate op id and a dependency cycle', () => {
    const dupOp = VALID.replace(
      "    pricing: { model: request",
      `    ops:\n      - id: get-item\n        name: Again\n        p95TargetMs: 1\n        p99TargetMs: 1\n        unitCostMicros: 0\n        slo: { objectivePpm: 990000, windowDays: 7 }\n        fallback: { serviceTimeMeanMs: 1, serviceTimeScv: 1, arrivalRatePerSecond: 1 }\n    pricing: { model: request`,
    );
    expect(problemsOf(dupOp).join('\n')).toContain('services[1].ops[0].id: duplicate op id "get-item" (also services[0].ops[0])');
    const cycle = VALID.replace('lifecycle: experimental', 'lifecycle: experimental\n    dependsOn: [api]');
    expect(problemsOf(cycle)).toEqual(['services: dependency cycle api → db → api']);
  });
});

describe('seeding', () => {
  let database: OpenedDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('writes nothing for a file whose op links an operation missing from the safelist', async () => {
    const text = VALID.replace('        name: Get item', '        name: Get item\n        safelistedOperation: NotSafelisted');
    await expect(seedCatalog(database.db, text, FILE)).rejects.toThrow(/catalog\.yaml: invalid catalog\n {2}- op "get-item": .*"NotSafelisted", which is not in the safelist/);
    // One transaction: the services before the failing op were rolled back too.
    expect(await listServices(database.db)).toEqual([]);
    expect(await listAudit(database.db, { limit: 10 })).toEqual([]);
  });

  it('the demo seed gives every safelisted operation of the example origin a ServiceOp', async () => {
    await seedDemo(database.db);
    const manifest = OperationManifestSchema.parse(readDemoJson('persisted-operations.json'));
    const linked = new Set((await listOps(database.db)).map((op) => op.safelistedOperation));
    expect(manifest.operations.length).toBeGreaterThan(0);
    for (const op of manifest.operations) expect(linked, `no ServiceOp for ${op.name}`).toContain(op.name);
    const entityById = (await listOps(database.db)).find((op) => op.safelistedOperation === 'EntityById')!;
    expect(entityById).toMatchObject({ unitCostMicros: 12n, sloObjectivePpm: 999000 });
    expect((await listAudit(database.db, { limit: 1000 })).filter((a) => a.action.startsWith('catalog.')).length).toBeGreaterThan(0);
  });

  it('is idempotent: a rerun changes no row and writes no audit entry', async () => {
    const text = readFileSync(DEMO_CATALOG_FILE, 'utf8');
    const servicesBefore = await listServices(database.db);
    const opsBefore = await listOps(database.db);
    const auditBefore = await listAudit(database.db, { limit: 1000 });
    expect(await seedCatalog(database.db, text, 'examples/origin/catalog.yaml')).toEqual({ services: 0, ops: 0 });
    await seedDemo(database.db);
    expect(await listServices(database.db)).toEqual(servicesBefore);
    expect(await listOps(database.db)).toEqual(opsBefore);
    expect(await listAudit(database.db, { limit: 1000 })).toHaveLength(auditBefore.length);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('a changed file updates just what changed, audited', async () => {
    const text = readFileSync(DEMO_CATALOG_FILE, 'utf8').replace('p95TargetMs: 120', 'p95TargetMs: 110');
    expect(await seedCatalog(database.db, text, 'examples/origin/catalog.yaml')).toEqual({ services: 0, ops: 1 });
    const [latest] = await listAudit(database.db, { limit: 1 });
    expect(latest).toMatchObject({ actor: 'automation:seed', action: 'catalog.op.put', target: 'catalog-op:entity-by-id' });
  });
});
