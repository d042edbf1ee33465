import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { variablesHash } from '@conductor/sdk';
import { startPurgeReceiver, type PurgeReceiver } from '@conductor/sdk/testing';
import { ensureDevSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';

const bin = resolve(import.meta.dirname, '../../bin/conductor.mjs');

let dataDir: string;
let secrets: DevSecrets;
let edge: PurgeReceiver;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// The real binary, as a user runs it: a fresh process through control-plane/bin/conductor.mjs.
async function conductor(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: dataDir,
      env: { ...inheritedEnv(), CONDUCTOR_DATA_DIR: dataDir, EDGE_URL: edge.url, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// The developer's own PURGE_SIGNING_SECRET must not leak into the runs: the data dir decides.
function inheritedEnv(): NodeJS.ProcessEnv {
  const { PURGE_SIGNING_SECRET: _ignored, ...rest } = process.env;
  return rest;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conductor-cli-'));
  secrets = await ensureDevSecrets(dataDir);
  edge = await startPurgeReceiver(secrets.purgeSecret);
});
afterAll(async () => {
  await edge.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  edge.received.length = 0;
  edge.respond(() => undefined);
});

describe('conductor --help', () => {
  it('lists the commands and exits 0', async () => {
    const run = await conductor(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/token\s+mint/);
    expect(run.stdout).toMatch(/purge\s+sign/);
  });

  it('prints a command’s usage', async () => {
    const run = await conductor(['purge', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--mutation OP');
  });

  it('exits 2 on an unknown or missing command', async () => {
    expect((await conductor(['frobnicate'])).code).toBe(2);
    expect((await conductor([])).code).toBe(2);
  });
});

describe('conductor token', () => {
  async function verify(token: string) {
    // The public key the CLI's data dir holds: the same one the control plane serves as JWKS.
    const stored = JSON.parse(await readFile(join(dataDir, 'keys', 'dev-secrets.json'), 'utf8')) as DevSecrets;
    const key = await importJWK(stored.publicJwk, JWT_ALG);
    return jwtVerify(token, key, { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, algorithms: [JWT_ALG] });
  }

  it('prints only a JWT signed by the dev key, with the requested claims', async () => {
    const run = await conductor(['token', '--tenant', 'acme', '--roles', 'admin,viewer', '--scopes', 'admin.write', '--tenants', 'globex', '--sub', 'ops@acme']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const { payload, protectedHeader } = await verify(run.stdout.trim());
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: secrets.publicJwk.kid });
    expect(payload).toMatchObject({ sub: 'ops@acme', tenant: 'acme', tenants: ['globex'], roles: ['admin', 'viewer'], scopes: ['admin.write'], clearance: 0, purposes: [] });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('defaults the subject and honours --ttl, --clearance and --purposes', async () => {
    const run = await conductor(['token', '--tenant', 'globex', '--ttl', '15m', '--clearance', '3', '--purposes', 'investigation, audit']);
    const { payload } = await verify(run.stdout.trim());
    expect(payload).toMatchObject({ sub: 'user:globex', tenant: 'globex', roles: [], scopes: [], clearance: 3, purposes: ['investigation', 'audit'] });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('creates the dev key on first use in an empty data dir', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'conductor-cli-fresh-'));
    try {
      const run = await conductor(['token', '--tenant', 'acme'], { CONDUCTOR_DATA_DIR: fresh });
      expect(run.code).toBe(0);
      const created = JSON.parse(await readFile(join(fresh, 'keys', 'dev-secrets.json'), 'utf8')) as DevSecrets;
      expect(decodeProtectedHeader(run.stdout.trim()).kid).toBe(created.publicJwk.kid);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it.concurrent.each([
    ['no tenant', ['token'], /--tenant is required/],
    ['an unsafe tenant id', ['token', '--tenant', 'Acme/../x'], /invalid tenant id/],
    ['a bad ttl', ['token', '--tenant', 'acme', '--ttl', 'forever'], /invalid --ttl/],
    ['an unknown option', ['token', '--tenant', 'acme', '--admin'], /Unknown option '--admin'/],
    ['a clearance out of range', ['token', '--tenant', 'acme', '--clearance', '9'], /--clearance/],
    ['an automation subject', ['token', '--tenant', 'acme', '--sub', 'automation:seed'], /--sub must not start with "automation:"/],
  ])('exits 2 with a message on %s', async (_label, args, message) => {
    const run = await conductor(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});

// Usage errors run concurrently (each is a process start); they aim at their own receiver so the
// sequential purge tests' shared one stays untouched.
let idle: PurgeReceiver;
beforeAll(async () => {
  idle = await startPurgeReceiver('unused');
});
afterAll(() => idle.close());

describe('conductor purge', () => {
  it('sends a signed mutation purge and prints the receipt', async () => {
    const run = await conductor(['purge', '--tenant', 'acme', '--mutation', 'updateEntity', '--vars', '{"id":"7","name":"x"}']);
    expect(run.code).toBe(0);

    expect(edge.received).toHaveLength(1);
    const [sent] = edge.received;
    expect(sent!.signature.ok).toBe(true);
    expect(sent!.request).toMatchObject({ tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } } });
    const receipt = JSON.parse(run.stdout);
    expect(receipt).toMatchObject({ purgeId: sent!.request!.purgeId, tenant: 'acme', duplicate: false });
  });

  it('sends --op with --vars-hash, and computes the hash from --vars', async () => {
    const opId = `sha256:${'b'.repeat(64)}`;
    const hash = await variablesHash({ id: '7' });
    expect((await conductor(['purge', '--tenant', 'acme', '--op', opId, '--vars-hash', hash])).code).toBe(0);
    expect((await conductor(['purge', '--tenant', 'acme', '--op', opId, '--vars', '{"id":"7"}'])).code).toBe(0);
    expect((await conductor(['purge', '--tenant', 'acme', '--op', opId])).code).toBe(0);
    expect(edge.received.map((r) => r.request)).toEqual([
      { purgeId: expect.any(String), tenant: 'acme', opId, varsHash: hash },
      { purgeId: expect.any(String), tenant: 'acme', opId, varsHash: hash },
      { purgeId: expect.any(String), tenant: 'acme', opId },
    ]);
  });

  it('sends --all with a chosen purge id, and a resend is reported as a duplicate', async () => {
    const first = await conductor(['purge', '--tenant', 'globex', '--all', '--purge-id', 'cli-test-all-1']);
    const second = await conductor(['purge', '--tenant', 'globex', '--all', '--purge-id', 'cli-test-all-1']);
    expect(edge.received[0]!.request).toEqual({ purgeId: 'cli-test-all-1', tenant: 'globex', all: true });
    expect(JSON.parse(first.stdout).duplicate).toBe(false);
    expect(JSON.parse(second.stdout).duplicate).toBe(true);
  });

  it('uses --edge over EDGE_URL', async () => {
    const run = await conductor(['purge', '--tenant', 'acme', '--all', '--edge', edge.url], { EDGE_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(0);
  });

  it('exits 1 with the edge’s error code when the edge rejects the purge', async () => {
    const run = await conductor(['purge', '--tenant', 'acme', '--all'], { PURGE_SIGNING_SECRET: 'not-the-edge-secret-but-long-enough' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error SIGNATURE_INVALID: .*\(HTTP 401\)\n$/);
    expect(run.stdout).toBe('');
  });

  it('--dry-run sends the signed target with dryRun: true and no purgeId, and prints what the purge would do', async () => {
    const run = await conductor(['purge', '--tenant', 'acme', '--mutation', 'updateEntity', '--vars', '{"id":"7","name":"x"}', '--dry-run']);
    expect(run.code).toBe(0);
    expect(edge.received).toHaveLength(1);
    expect(edge.received[0]!.signature.ok).toBe(true);
    expect(JSON.parse(edge.received[0]!.rawBody)).toEqual({ tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } }, dryRun: true });
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, tenant: 'acme', tags: ['*'], operations: [], liveEntries: 0, liveEntriesComplete: true });
  });

  it('--dry-run of a mutation the invalidation map does not cover exits 1 and says so', async () => {
    const message = 'mutation deleteEverything is not covered by the invalidation map: no cached operation is linked to it, so it invalidates nothing';
    edge.respond(() => ({ status: 404, body: { error: { code: 'UNKNOWN_OPERATION', message } } }));
    const run = await conductor(['purge', '--tenant', 'acme', '--mutation', 'deleteEverything', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error UNKNOWN_OPERATION: ${message} (HTTP 404)\n`);
    expect(run.stdout).toBe('');
  });

  it('exits 1 with EDGE_UNAVAILABLE when nothing listens', async () => {
    const closed = await startPurgeReceiver('x');
    await closed.close();
    const run = await conductor(['purge', '--tenant', 'acme', '--all', '--edge', closed.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error EDGE_UNAVAILABLE: /);
  });

  it('exits 2 without sending anything when PURGE_SIGNING_SECRET is under 32 characters', async () => {
    const run = await conductor(['purge', '--tenant', 'acme', '--all'], { EDGE_URL: idle.url, PURGE_SIGNING_SECRET: 'sixteen-chars-ok' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PURGE_SIGNING_SECRET: at least 32 characters/);
    expect(idle.received).toHaveLength(0);
  });

  it.concurrent.each([
    ['invalid --vars JSON', ['--tenant', 'acme', '--mutation', 'updateEntity', '--vars', '{id:7}'], /--vars is not valid JSON/],
    ['--vars that is not an object', ['--tenant', 'acme', '--mutation', 'updateEntity', '--vars', '[1]'], /--vars must be a JSON object/],
    ['no target', ['--tenant', 'acme'], /exactly one of --mutation, --op, --all/],
    ['two targets', ['--tenant', 'acme', '--all', '--op', 'sha256:x'], /exactly one of/],
    ['no tenant', ['--all'], /--tenant is required/],
    ['--vars-hash without --op', ['--tenant', 'acme', '--all', '--vars-hash', 'a'.repeat(64)], /--vars-hash only goes with --op/],
    ['a malformed --vars-hash', ['--tenant', 'acme', '--op', 'sha256:x', '--vars-hash', 'xyz'], /--vars-hash must be 64/],
    ['a short --purge-id', ['--tenant', 'acme', '--all', '--purge-id', 'p1'], /--purge-id must be 8 to 128/],
    ['a bad edge URL', ['--tenant', 'acme', '--all', '--edge', 'not a url'], /invalid edge URL/],
    ['--dry-run with --purge-id', ['--tenant', 'acme', '--all', '--dry-run', '--purge-id', 'cli-dry-0001'], /--purge-id does not go with --dry-run/],
  ])('exits 2 on %s without sending anything', async (_label, args, message) => {
    const run = await conductor(['purge', ...args], { EDGE_URL: idle.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(idle.received).toHaveLength(0);
  });
});
