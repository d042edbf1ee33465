import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { PurgeDryRunSchema, PurgeReceiptSchema, signWebhook, variablesHash } from '@conductor/sdk';
import { FakeControlPlane } from '../../test/fake-control-plane.ts';
import { FakeOrigin } from '../../test/fake-origin.ts';
import { demoConfig, opByName, settle, signer, testContext, type Signer, type TestContext } from '../../test/fixtures.ts';
import { opTag, selectorTag, varsTag } from '../cache/tags.ts';
import { indexConfig, type ConfigIndex } from '../config/config-index.ts';
import { handleGraphQL } from '../graphql/handle-graphql.ts';
import { toErrorResponse } from '../http/errors.ts';
import { flushMetrics } from '../metrics/flush.ts';
import { affectedOperations, tagOperation } from './dry-run.ts';
import { handlePurge } from './hook.ts';

const SECRET = 'test-purge-secret-0123456789abcdef';
const OP = `sha256:${'a'.repeat(64)}`;
const VH = 'b'.repeat(64);

describe('tag → operation', () => {
  it('recovers the operation id from every tag spelling tags.ts produces', () => {
    expect(tagOperation(opTag(OP))).toBe(OP);
    expect(tagOperation(varsTag(OP, VH))).toBe(OP);
    expect(tagOperation(selectorTag(OP, [['id', '5']]))).toBe(OP);
    expect(tagOperation(selectorTag(OP, [['a', '#|'], ['b', 1]]))).toBe(OP);
    expect(tagOperation('*')).toBeNull();
  });
});

let config: EdgeConfig;
let index: ConfigIndex;
let keys: Signer;
const ids = { entity: '', list: '', rels: '' };

beforeAll(async () => {
  config = await demoConfig();
  index = indexConfig(config);
  keys = await signer();
  ids.entity = opByName(config, 'EntityById').id;
  ids.list = opByName(config, 'Entities').id;
  ids.rels = opByName(config, 'Relationships').id;
});

describe('affected operations', () => {
  it('the tenant tag reaches every safelisted query; op tags their own operation; live ids the safelist lost stay listed', () => {
    const all = affectedOperations(['*'], index, {});
    expect(all.map((o) => o.name)).toEqual(['Documents', 'Entities', 'EntityById', 'Relationships']);
    expect(affectedOperations([selectorTag(ids.entity, [['id', '7']]), opTag(ids.list)], index, { [ids.list]: 3 })).toEqual([
      { id: ids.list, name: 'Entities', liveEntries: 3 },
      { id: ids.entity, name: 'EntityById', liveEntries: 0 },
    ]);
    expect(affectedOperations(['*'], index, { 'sha256:gone': 2 }).at(-1)).toEqual({ id: 'sha256:gone', name: null, liveEntries: 2 });
  });
});

/**
 * Through the signed hook with a context whose reads go to a fake origin: entries are filled by the
 * real read path, reported to the real Durable Object, and counted by the dry run. Each test uses
 * its own tenant (the demo config serves acme and globex; the object is per tenant name) so counts
 * do not leak between tests.
 */
describe('dry run through the purge hook', () => {
  let served: ConfigIndex;
  let cx: TestContext;
  let tenant: string;
  let token: string;

  beforeEach(async () => {
    tenant = `dry-${crypto.randomUUID().slice(0, 8)}`;
    served = indexConfig({ ...config, tenants: [...config.tenants, { id: tenant, strictSafelist: false }] });
    cx = await testContext(served, keys.keys, { origin: new FakeOrigin().fetch });
    token = await keys.token({ tenant });
  });

  async function hook(body: unknown, signature?: string | null, context: TestContext = cx): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = signature === undefined ? await signWebhook(SECRET, raw) : signature;
    const headers: Record<string, string> = sig ? { 'x-conductor-signature': sig } : {};
    try {
      return await handlePurge(new Request('https://edge.test/__edge/purge', { method: 'POST', headers, body: raw }), context);
    } catch (err) {
      return toErrorResponse(err);
    }
  }

  async function read(opId: string, variables: Record<string, unknown>): Promise<string | null> {
    const req = new Request('https://edge.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: opId, variables }),
    });
    const res = await handleGraphQL(req, cx, undefined, { originMs: null }).catch(toErrorResponse);
    await res.arrayBuffer();
    return res.headers.get('x-cache');
  }

  /** Fills three entries (two entities, one list) and waits for their reports to reach the object. */
  async function warm(): Promise<void> {
    expect(await read(ids.entity, { id: '7' })).toBe('MISS');
    expect(await read(ids.entity, { id: '8' })).toBe('MISS');
    expect(await read(ids.list, { limit: 2 })).toBe('MISS');
    await settle(cx);
  }

  async function dryRun(target: Record<string, unknown>) {
    const res = await hook({ tenant, ...target, dryRun: true });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return PurgeDryRunSchema.parse(await res.json());
  }

  const ledger = () =>
    runInDurableObject(env.GENERATIONS.get(env.GENERATIONS.idFromName(tenant)), (_i, state) => ({
      generations: state.storage.sql.exec('SELECT tag, gen FROM generations ORDER BY tag').toArray(),
      purges: state.storage.sql.exec('SELECT purge_id FROM purges').toArray(),
    }));

  it('mutation form: the tags, operations and live entries the purge would reach; nothing bumped; reads still HIT; then the purge misses', async () => {
    await warm();
    const before = await ledger();
    const answer = await dryRun({ mutation: { op: 'updateEntity', variables: { id: '7', name: 'n' } } });
    const entityTag = selectorTag(ids.entity, [['id', '7']]);
    expect(answer.tags.sort()).toEqual([entityTag, opTag(ids.list)].sort());
    expect(answer.generations).toEqual({ [entityTag]: 0, [opTag(ids.list)]: 0 });
    expect(answer.operations).toEqual([
      { id: ids.list, name: 'Entities', liveEntries: 1 },
      { id: ids.entity, name: 'EntityById', liveEntries: 1 },
    ]);
    expect(answer).toMatchObject({ dryRun: true, tenant, liveEntries: 2, liveEntriesComplete: true });
    expect(Date.parse(answer.evaluatedAt)).not.toBeNaN();

    // Nothing changed: the object's generations and purge ledger, and every read is still a hit.
    expect(await ledger()).toEqual(before);
    expect(await read(ids.entity, { id: '7' })).toBe('HIT');
    expect(await read(ids.entity, { id: '8' })).toBe('HIT');
    expect(await read(ids.list, { limit: 2 })).toBe('HIT');

    const purged = await hook({ purgeId: `test-${crypto.randomUUID()}`, tenant, mutation: { op: 'updateEntity', variables: { id: '7', name: 'n' } } });
    const receipt = PurgeReceiptSchema.parse(await purged.json());
    expect(receipt.generations).toEqual({ [entityTag]: 1, [opTag(ids.list)]: 1 });
    expect(await read(ids.entity, { id: '7' })).toBe('MISS');
    expect(await read(ids.list, { limit: 2 })).toBe('MISS');
    expect(await read(ids.entity, { id: '8' })).toBe('HIT');
    await settle(cx);
    // The refills are live again under the new generations; entity 8 was never reached.
    expect((await dryRun({ mutation: { op: 'updateEntity', variables: { id: '7', name: 'n' } } })).liveEntries).toBe(2);
  });

  it('opId, opId + varsHash and all forms', async () => {
    await warm();
    const byOp = await dryRun({ opId: ids.entity });
    expect(byOp).toMatchObject({ tags: [opTag(ids.entity)], liveEntries: 2, operations: [{ id: ids.entity, name: 'EntityById', liveEntries: 2 }] });
    const vh = await variablesHash({ id: '8' });
    expect(await dryRun({ opId: ids.entity, varsHash: vh })).toMatchObject({ tags: [varsTag(ids.entity, vh)], liveEntries: 1 });
    const all = await dryRun({ all: true });
    expect(all).toMatchObject({ tags: ['*'], liveEntries: 3 });
    expect(all.operations.map((o) => [o.name, o.liveEntries])).toEqual([
      ['Documents', 0],
      ['Entities', 1],
      ['EntityById', 2],
      ['Relationships', 0],
    ]);
  });

  it('a mutation the invalidation map does not cover: 404 UNKNOWN_OPERATION that says so', async () => {
    const res = await hook({ tenant, mutation: { op: 'deleteEverything', variables: {} }, dryRun: true });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('UNKNOWN_OPERATION');
    expect(error.message).toMatch(/^mutation deleteEverything is not covered by the invalidation map: .* invalidates nothing/);
  });

  it.each([
    ['missing signature', 401, 'SIGNATURE_MISSING', { dryRun: true, all: true }, null, /signature/],
    ['wrong secret', 401, 'SIGNATURE_INVALID', { dryRun: true, all: true }, 'wrong', /signature/],
    ['unknown tenant', 404, 'UNKNOWN_TENANT', { dryRun: true, all: true, tenant: 'umbrella' }, undefined, /^unknown tenant umbrella$/],
    ['a purgeId (a dry run applies nothing, so it has no id)', 400, 'VALIDATION_FAILED', { dryRun: true, all: true, purgeId: 'dry-run-0001' }, undefined, /^invalid dry run: Unrecognized key: "purgeId"$/],
    ['dryRun false', 400, 'VALIDATION_FAILED', { dryRun: false, all: true }, undefined, /^invalid dry run: dryRun: Invalid input: expected true$/],
    ['no target', 400, 'VALIDATION_FAILED', { dryRun: true }, undefined, /^invalid dry run: give exactly one target/],
    ['an opId that is not a safelisted query', 404, 'UNKNOWN_OPERATION', { dryRun: true, opId: `sha256:${'0'.repeat(64)}` }, undefined, /is not a safelisted query$/],
  ] as const)('%s → %i %s', async (_label, status, code, body, signature, message) => {
    const raw = JSON.stringify({ tenant, ...body });
    const sig = signature === 'wrong' ? await signWebhook('another-secret-0123456789', raw) : signature;
    const res = await hook(raw, sig);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code, message: expect.stringMatching(message) } });
  });

  it('malformed JSON → 400 BAD_JSON', async () => {
    const res = await hook('{"dryRun":true,');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_JSON' } });
  });

  it('records no purge metric; a refused signature still counts against the tenant named', async () => {
    const controlPlane = new FakeControlPlane('test-control-plane-token');
    const local = await testContext(served, keys.keys, { controlPlane: controlPlane.fetch });
    expect((await hook({ tenant: 'acme', all: true, dryRun: true }, undefined, local)).status).toBe(200);
    expect((await hook({ tenant: 'acme', mutation: { op: 'nope', variables: {} }, dryRun: true }, undefined, local)).status).toBe(404);
    expect((await hook({ tenant: 'acme', all: true, dryRun: true }, null, local)).status).toBe(401);
    await settle(local);
    await flushMetrics(local.metrics, local.metricsTarget);
    expect(controlPlane.received.flatMap((b) => b.purges)).toEqual([]);
    expect(controlPlane.received.flatMap((b) => b.purgeFailures).map((f) => [f.tenant, f.count])).toEqual([['acme', 1]]);
  });
});
