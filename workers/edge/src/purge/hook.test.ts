import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { PurgeReceiptSchema, signWebhook } from '@conductor/sdk';
import { FakeControlPlane } from '../../test/fake-control-plane.ts';
import { demoConfig, opByName, settle, signer, testContext, type TestContext } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import { toErrorResponse } from '../http/errors.ts';
import { flushMetrics } from '../metrics/flush.ts';
import { handlePurge } from './hook.ts';

const SECRET = 'test-purge-secret-0123456789abcdef';
let config: EdgeConfig;
let cx: TestContext;

beforeAll(async () => {
  config = await demoConfig();
  cx = await testContext(indexConfig(config), (await signer()).keys);
});

async function send(body: string, signature?: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? await signWebhook(SECRET, body) : signature;
  if (sig) headers['x-conductor-signature'] = sig;
  try {
    return await handlePurge(new Request('https://edge.test/__edge/purge', { method: 'POST', headers, body }), cx);
  } catch (err) {
    return toErrorResponse(err);
  }
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

const purgeId = () => `test-${crypto.randomUUID()}`;

describe('purge hook: signature', () => {
  const body = JSON.stringify({ purgeId: 'sig-check-0001', tenant: 'acme', all: true });
  it('missing → 401 SIGNATURE_MISSING', async () => expectError(await send(body, null), 401, 'SIGNATURE_MISSING'));
  it('malformed → 401 SIGNATURE_MALFORMED', async () => expectError(await send(body, 't=abc,v1=zz'), 401, 'SIGNATURE_MALFORMED'));
  it('outside the replay window → 401 SIGNATURE_EXPIRED', async () => {
    await expectError(await send(body, await signWebhook(SECRET, body, Math.floor(Date.now() / 1000) - 301)), 401, 'SIGNATURE_EXPIRED');
  });
  it('wrong secret → 401 SIGNATURE_INVALID', async () => {
    await expectError(await send(body, await signWebhook('another-secret-0123456789', body)), 401, 'SIGNATURE_INVALID');
  });
  it('signature of another body → 401 SIGNATURE_INVALID, nothing bumped', async () => {
    const sig = await signWebhook(SECRET, body);
    await expectError(await send(body.replace('acme', 'globex'), sig), 401, 'SIGNATURE_INVALID');
    expect((await cx.generations.read('globex', ['*'])).generations).toEqual({ '*': 0 });
  });
});

describe('purge hook: body', () => {
  it('malformed JSON → 400 BAD_JSON', async () => expectError(await send('{"tenant":'), 400, 'BAD_JSON'));
  it('no target form → 400 VALIDATION_FAILED', async () => expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'acme' })), 400, 'VALIDATION_FAILED'));
  it('two target forms → 400 VALIDATION_FAILED', async () => {
    await expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'acme', all: true, opId: 'x' })), 400, 'VALIDATION_FAILED');
  });
  it('purgeId missing → 400 VALIDATION_FAILED', async () => expectError(await send(JSON.stringify({ tenant: 'acme', all: true })), 400, 'VALIDATION_FAILED'));
  it('over 64 KiB → 413 PAYLOAD_TOO_LARGE', async () => {
    await expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'acme', all: true, pad: 'x'.repeat(70_000) })), 413, 'PAYLOAD_TOO_LARGE');
  });
  it('unknown tenant → 404 UNKNOWN_TENANT', async () => expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'umbrella', all: true })), 404, 'UNKNOWN_TENANT'));
  it('opId not safelisted → 404 UNKNOWN_OPERATION', async () => {
    await expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'acme', opId: `sha256:${'0'.repeat(64)}` })), 404, 'UNKNOWN_OPERATION');
  });
  it('mutation without invalidation rows → 404 UNKNOWN_OPERATION', async () => {
    await expectError(await send(JSON.stringify({ purgeId: purgeId(), tenant: 'acme', mutation: { op: 'deleteEverything', variables: {} } })), 404, 'UNKNOWN_OPERATION');
  });
});

describe('purge hook: receipts', () => {
  it('mutation form resolves through the invalidation map', async () => {
    const id = purgeId();
    const res = await send(JSON.stringify({ purgeId: id, tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'n' } } }));
    expect(res.status).toBe(200);
    const receipt = PurgeReceiptSchema.parse(await res.json());
    const byId = opByName(config, 'EntityById').id;
    const list = opByName(config, 'Entities').id;
    expect(receipt).toMatchObject({ purgeId: id, tenant: 'acme', duplicate: false });
    expect(receipt.tags.sort()).toEqual([`op:${byId}|id="7"`, `op:${list}`].sort());
    expect(Object.keys(receipt.generations).sort()).toEqual(receipt.tags);
  });

  it('opId + varsHash, opId (bare hex accepted), all', async () => {
    const op = opByName(config, 'Relationships').id;
    const vh = 'a'.repeat(64);
    const r1 = PurgeReceiptSchema.parse(await (await send(JSON.stringify({ purgeId: purgeId(), tenant: 'globex', opId: op, varsHash: vh }))).json());
    expect(r1.tags).toEqual([`op:${op}#${vh}`]);
    const r2 = PurgeReceiptSchema.parse(await (await send(JSON.stringify({ purgeId: purgeId(), tenant: 'globex', opId: op.slice(7) }))).json());
    expect(r2.tags).toEqual([`op:${op}`]);
    const r3 = PurgeReceiptSchema.parse(await (await send(JSON.stringify({ purgeId: purgeId(), tenant: 'globex', all: true }))).json());
    expect(r3.tags).toEqual(['*']);
  });

  it('a replayed body+signature returns the same purge as duplicate and bumps nothing', async () => {
    const body = JSON.stringify({ purgeId: purgeId(), tenant: 'acme', all: true });
    const sig = await signWebhook(SECRET, body);
    const first = PurgeReceiptSchema.parse(await (await send(body, sig)).json());
    const replay = PurgeReceiptSchema.parse(await (await send(body, sig)).json());
    expect(replay).toEqual({ ...first, duplicate: true });
    expect((await cx.generations.read('acme', ['*'])).generations).toEqual({ '*': first.generations['*'] });
  });
});

describe('purge hook: metrics', () => {
  it('puts each applied purge (and a recognised retry) into the batch, and counts refused requests per served tenant', async () => {
    const controlPlane = new FakeControlPlane('test-control-plane-token');
    const local = await testContext(indexConfig(config), (await signer()).keys, { controlPlane: controlPlane.fetch });
    const sendTo = async (body: string, signature: string | null) => {
      const headers: Record<string, string> = signature ? { 'x-conductor-signature': signature } : {};
      try {
        return await handlePurge(new Request('https://edge.test/__edge/purge', { method: 'POST', headers, body }), local);
      } catch (err) {
        return toErrorResponse(err);
      }
    };
    const id = purgeId();
    const body = JSON.stringify({ purgeId: id, tenant: 'acme', opId: opByName(config, 'Entities').id });
    const sig = await signWebhook(SECRET, body);
    expect((await sendTo(body, sig)).status).toBe(200);
    expect((await sendTo(body, sig)).status).toBe(200);
    expect((await sendTo(body, await signWebhook('another-secret-0123456789', body))).status).toBe(401);
    expect((await sendTo(body, null)).status).toBe(401);
    // A tenant this edge does not serve, and a body naming none, are not attributed.
    expect((await sendTo(JSON.stringify({ purgeId: purgeId(), tenant: 'umbrella', all: true }), null)).status).toBe(401);
    expect((await sendTo('{"tenant":', null)).status).toBe(401);
    const globexBody = JSON.stringify({ purgeId: purgeId(), tenant: 'globex', opId: `sha256:${'0'.repeat(64)}` });
    expect((await sendTo(globexBody, await signWebhook(SECRET, globexBody))).status).toBe(404);

    await settle(local);
    await flushMetrics(local.metrics, local.metricsTarget);
    const batches = controlPlane.received;
    const tag = `op:${opByName(config, 'Entities').id}`;
    expect(batches.flatMap((b) => b.purges).map((p) => [p.purgeId, p.tenant, p.tags, p.duplicate])).toEqual([
      [id, 'acme', [tag], false],
      [id, 'acme', [tag], true],
    ]);
    const failures = new Map<string, number>();
    for (const f of batches.flatMap((b) => b.purgeFailures)) failures.set(f.tenant, (failures.get(f.tenant) ?? 0) + f.count);
    expect([...failures].sort()).toEqual([
      ['acme', 2],
      ['globex', 1],
    ]);
  });
});
