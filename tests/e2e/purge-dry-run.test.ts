import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PurgeDryRun, PurgeDryRunSchema, PurgeReceiptSchema } from '@conductor/sdk';
import { eventually } from '../support/eventually.ts';
import { controlPlane, edgePost, errorCode, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

/**
 * Purge dry runs through the real stack: entries are filled by the edge in workerd, reported to
 * the tenant's Durable Object, and counted by dry runs sent through the control plane, the signed
 * hook and the CLI. A dry run changes nothing (the same generations, reads still HIT, no purge in
 * the history); the real purge afterwards bumps exactly what the dry run named.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const CLI = fileURLToPath(new URL('../../node_modules/.bin/conductor', import.meta.url));
function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const { PURGE_SIGNING_SECRET: _ignored, ...env } = process.env;
  return promisify(execFile)(process.execPath, [CLI, 'purge', ...args, '--edge', stack.edgeUrl], { env: { ...env, CONDUCTOR_DATA_DIR: stack.dataDir }, timeout: 30_000 })
    .then(({ stdout, stderr }) => ({ stdout, stderr, code: 0 }))
    .catch((err: { stdout: string; stderr: string; code: number }) => ({ stdout: err.stdout, stderr: err.stderr, code: err.code }));
}

const entity = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });
const list = (token: string) => edgePost(stack, token, { documentId: OPS.Entities.documentId, variables: { limit: 2 } });
const UPDATE_21 = { mutation: { op: 'updateEntity', variables: { id: '21', name: 'dry' } } };

async function dryRun(token: string, tenant: string, target: Record<string, unknown>): Promise<PurgeDryRun> {
  const res = await controlPlane(stack, token, 'POST', '/v1/purge', { tenant, ...target, dryRun: true });
  expect(res.status, res.text).toBe(200);
  return PurgeDryRunSchema.parse(res.body);
}

describe('purge dry run, full stack', () => {
  let tenant: { id: string; token: string };
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTenant(stack);
    admin = await stack.token({ tenant: tenant.id, roles: ['admin'], scopes: ['admin.write'] });
    reader = await stack.token({ tenant: tenant.id, scopes: ['admin.read'] });
    // createTenant's probe cached EntityById(100); warm three more entries.
    for (const read of [() => entity(tenant.token, '21'), () => entity(tenant.token, '22'), () => list(tenant.token)]) {
      expect((await read()).cache).toBe('MISS');
      expect((await read()).cache).toBe('HIT');
    }
  });

  it('answers the tags, operations and live entries a mutation purge would reach, bumps nothing, and the purge then bumps exactly those', async () => {
    const entityTag = `op:${OPS.EntityById.documentId}|id="21"`;
    const listTag = `op:${OPS.Entities.documentId}`;
    // Fills are reported to the Durable Object off the response path: wait until both are counted.
    const answer = await eventually(async () => {
      const a = await dryRun(reader, tenant.id, UPDATE_21);
      expect(a.liveEntries).toBe(2);
      return a;
    }, 10_000);
    expect([...answer.tags].sort()).toEqual([entityTag, listTag].sort());
    expect(answer.generations).toEqual({ [entityTag]: 0, [listTag]: 0 });
    expect(answer.operations).toEqual([
      { id: OPS.Entities.documentId, name: 'Entities', liveEntries: 1 },
      { id: OPS.EntityById.documentId, name: 'EntityById', liveEntries: 1 },
    ]);
    expect(answer).toMatchObject({ dryRun: true, tenant: tenant.id, liveEntriesComplete: true });

    // Nothing changed: asking again gives the same generations and count, every read is still a HIT,
    // and the purge history has no entry.
    expect(await dryRun(admin, tenant.id, UPDATE_21)).toMatchObject({ generations: answer.generations, liveEntries: 2 });
    expect((await entity(tenant.token, '21')).cache).toBe('HIT');
    expect((await entity(tenant.token, '22')).cache).toBe('HIT');
    expect((await list(tenant.token)).cache).toBe('HIT');
    const history = await controlPlane(stack, admin, 'GET', `/v1/purges?tenant=${tenant.id}`);
    expect(history.body).toEqual({ purges: [] });

    const purged = await controlPlane(stack, admin, 'POST', '/v1/purge', { tenant: tenant.id, ...UPDATE_21 });
    expect(purged.status, purged.text).toBe(200);
    const receipt = PurgeReceiptSchema.parse(purged.body);
    expect([...receipt.tags].sort()).toEqual([...answer.tags].sort());
    expect(receipt.generations).toEqual({ [entityTag]: 1, [listTag]: 1 });
    expect((await entity(tenant.token, '21')).cache).toBe('MISS');
    expect((await list(tenant.token)).cache).toBe('MISS');
    expect((await entity(tenant.token, '22')).cache).toBe('HIT');
    const after = await controlPlane(stack, admin, 'GET', `/v1/purges?tenant=${tenant.id}`);
    expect((after.body as { purges: { purgeId: string }[] }).purges.map((p) => p.purgeId)).toEqual([receipt.purgeId]);

    // The refills are live under the new generations.
    await eventually(async () => expect((await dryRun(reader, tenant.id, UPDATE_21)).liveEntries).toBe(2), 10_000);
  });

  it('the signed hook and the CLI answer the same dry run; all counts every live entry of the tenant', async () => {
    const hook = await signedPurge(stack, { tenant: tenant.id, all: true, dryRun: true });
    expect(hook.status, hook.text).toBe(200);
    const all = PurgeDryRunSchema.parse(hook.body);
    // EntityById 100 (the probe), 21 and 22, and the list.
    expect(all).toMatchObject({ tags: ['*'], liveEntries: 4 });
    expect(all.operations.map((o) => [o.name, o.liveEntries])).toEqual([
      ['Documents', 0],
      ['Entities', 1],
      ['EntityById', 3],
      ['Relationships', 0],
    ]);

    const run = await cli(['--tenant', tenant.id, '--op', OPS.EntityById.documentId, '--vars', '{"id":"22"}', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(PurgeDryRunSchema.parse(JSON.parse(run.stdout))).toMatchObject({
      liveEntries: 1,
      operations: [{ id: OPS.EntityById.documentId, name: 'EntityById', liveEntries: 1 }],
    });
    expect((await entity(tenant.token, '22')).cache).toBe('HIT');
  });

  it('a mutation the invalidation map does not cover: every way of asking says so, and nothing changes', async () => {
    const viaApi = await controlPlane(stack, admin, 'POST', '/v1/purge', { tenant: tenant.id, mutation: { op: 'archiveEntity', variables: { id: '22' } }, dryRun: true });
    expect(viaApi.status).toBe(404);
    expect(errorCode(viaApi)).toBe('UNKNOWN_OPERATION');
    expect(viaApi.body.error.message).toMatch(/^mutation archiveEntity is not covered by the invalidation map/);

    const run = await cli(['--tenant', tenant.id, '--mutation', 'archiveEntity', '--vars', '{"id":"22"}', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error UNKNOWN_OPERATION: mutation archiveEntity is not covered by the invalidation map.*\(HTTP 404\)\n$/);
    expect((await entity(tenant.token, '22')).cache).toBe('HIT');
  });

  it('bad input: an unsigned or foreign-tenant dry run is refused with a precise error', async () => {
    const unsigned = await signedPurge(stack, { tenant: tenant.id, all: true, dryRun: true }, { signature: null });
    expect([unsigned.status, errorCode(unsigned)]).toEqual([401, 'SIGNATURE_MISSING']);
    const unknown = await signedPurge(stack, { tenant: 'umbrella-corp', all: true, dryRun: true });
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'UNKNOWN_TENANT']);
    const withId = await signedPurge(stack, { purgeId: 'dry-run-0001', tenant: tenant.id, all: true, dryRun: true });
    expect([withId.status, errorCode(withId)]).toEqual([400, 'VALIDATION_FAILED']);
    const other = await controlPlane(stack, reader, 'POST', '/v1/purge', { tenant: 'acme', all: true, dryRun: true });
    expect([other.status, errorCode(other)]).toEqual([403, 'FORBIDDEN']);
  });
});
