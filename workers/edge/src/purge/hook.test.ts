import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '../../../../schema/contracts/edge-config.ts';
import { PurgeReceiptSchema } from '../../../../schema/contracts/purge.ts';
import { signWebhook } from '../../../../sdk/src/core/webhook-signature.ts';
import { demoConfig, opByName, signer, testContext, type TestContext } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import { toErrorResponse } from '../http/errors.ts';
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
    expect(await cx.generations.read('globex', ['*'])).toEqual({ '*': 0 });
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
    expect(await cx.generations.read('acme', ['*'])).toEqual({ '*': first.generations['*'] });
  });
});
