import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.ts';
import { bearerSecurity, publicSecurity, signatureSecurity } from './openapi.ts';

// GET /openapi.json linted with Redocly's `recommended` ruleset, so generated clients
// (openapi-typescript, openapi-generator) get a document that names every method.

interface Operation {
  operationId?: string;
  security?: unknown[];
}
interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
}

/**
 * Warnings kept on purpose ("rule pointer" → why). Every error, and any other warning, fails.
 * - The project has not chosen a license, so the document must not claim one.
 * - The JWKS and the health check are public and take no input: they have no 4xx to document.
 */
const ACCEPTED_WARNINGS = [
  'info-license #/info',
  'operation-4xx-response #/paths/~1.well-known~1jwks.json/get/responses',
  'operation-4xx-response #/paths/~1healthz/get/responses',
];

// First word of an operationId: what the operation does.
const VERBS = ['list', 'get', 'create', 'update', 'upsert', 'delete', 'publish', 'purge', 'verify', 'run', 'export', 'ingest', 'scrape', 'set', 'accept', 'check', 'review', 'download'];

let t: TestApp;
let source: string;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await startTestApp();
  source = await (await t.call('GET', '/openapi.json')).text();
  doc = JSON.parse(source) as OpenApiDocument;
});
afterAll(() => t.close());

async function lint(text: string): Promise<NormalizedProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  return lintFromString({ source: text, absoluteRef: '/openapi.json', config });
}

const describeProblem = (p: NormalizedProblem) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`;

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

describe('GET /openapi.json under Redocly recommended', () => {
  it('has no error and no warning beyond the accepted ones', async () => {
    const problems = await lint(source);
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${describeProblem(p)}: ${p.message}`);
    expect(errors).toEqual([]);
    const unexpected = problems.filter((p) => !ACCEPTED_WARNINGS.includes(describeProblem(p))).map((p) => `${describeProblem(p)}: ${p.message}`);
    expect(unexpected).toEqual([]);
  });

  it('would fail on an operation without an operationId or a route without security', async () => {
    const broken = structuredClone(doc);
    delete broken.paths['/v1/tenants']!.get!.operationId;
    delete broken.paths['/healthz']!.get!.security;
    const problems = (await lint(JSON.stringify(broken))).map(describeProblem);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^operation-operationId #\/paths\/~1v1~1tenants\/get\b/), expect.stringMatching(/^security-defined #\/paths\/~1healthz\/get\b/)]),
    );
  });

  it('names every operation once, camelCase, verb first', () => {
    const ids = operations().map(({ route, op }) => {
      expect(op.operationId, route).toMatch(/^[a-z]+(?:[A-Z0-9][a-z0-9]*)*$/);
      expect(VERBS, `${route}: ${op.operationId}`).toContain(/^[a-z]+/.exec(op.operationId!)![0]);
      return op.operationId;
    });
    expect(ids.length).toBeGreaterThanOrEqual(43);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('states security on every operation: the bearer scheme, the HMAC signature for signed reports, or none for the public routes', () => {
    const routesWith = (security: unknown) =>
      operations()
        .filter(({ op }) => JSON.stringify(op.security) === JSON.stringify(security))
        .map(({ route }) => route)
        .sort();
    expect(routesWith(publicSecurity)).toEqual(['GET /.well-known/jwks.json', 'GET /healthz']);
    expect(routesWith(signatureSecurity)).toEqual(['POST /v1/metrics/outbox-backlog']);
    for (const { route, op } of operations()) expect([publicSecurity, signatureSecurity, bearerSecurity], route).toContainEqual(op.security);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });
});
