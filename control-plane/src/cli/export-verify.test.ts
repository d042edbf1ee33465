import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecrets, publicJwks, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import type { Manifest } from '@conductor/schema/contracts/exports';
import { packChunks, syntheticLines } from '../exports/build/index.ts';
import { assembleManifest, describeChunk, signManifest } from '../exports/manifest/index.ts';
import { chunkPath, chunksDir, formatBytes, manifestPath } from '../exports/pull/index.ts';
import type { CliIO } from './command.ts';
import { runCli } from './run.ts';

// `conductor export verify DIR` on a directory laid out as a pull leaves it, holding an export built
// by the build's own packer and signed as publication signs it; then each tamper case of issue 9.
const CHUNK_SIZE = 4096;
const bin = resolve(import.meta.dirname, '../../bin/conductor.mjs');

let root: string;
let pristine: string;
let jwksFile: string;
let secrets: DevSecrets;
let manifest: Manifest;

async function writeExportDir(dir: string, signer: DevSecrets): Promise<Manifest> {
  await mkdir(chunksDir(dir), { recursive: true });
  const chunks = [];
  for await (const chunk of packChunks(syntheticLines({ seed: 9, lines: 60, meanLineBytes: 300 })(null), { chunkSize: CHUNK_SIZE })) {
    await writeFile(chunkPath(dir, chunk.ix), chunk.bytes);
    chunks.push(await describeChunk(chunk.bytes));
  }
  const unsigned = await assembleManifest({
    exportId: 'exp_verify',
    tenant: 'acme',
    createdAt: '2026-12-02T15:00:00Z',
    chunkSize: CHUNK_SIZE,
    chunks,
    proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' },
    source: { operation: 'documents', snapshot: 'synthetic-9' },
  });
  const signed = await signManifest(unsigned, { privateJwk: signer.privateJwk });
  await writeFile(manifestPath(dir), JSON.stringify(signed, null, 2));
  return signed;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conductor-export-verify-'));
  secrets = await generateSecrets();
  pristine = join(root, 'pristine');
  manifest = await writeExportDir(pristine, secrets);
  jwksFile = join(root, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: publicJwks(secrets) }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let copies = 0;
async function copy(): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(pristine, dir, { recursive: true });
  return dir;
}

async function verify(dir: string, jwks = jwksFile): Promise<{ code: number; out: string; err: string }> {
  const io = { out: '', err: '' };
  const cli: CliIO = { env: {}, stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) };
  const code = await runCli(['export', 'verify', dir, '--jwks', jwks], cli);
  return { code, ...io };
}

describe('conductor export verify', () => {
  it('passes an untouched export and says what it checked', async () => {
    expect(manifest.chunks.length).toBeGreaterThanOrEqual(4);
    const run = await verify(pristine);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toBe(
      `verified exp_verify in ${pristine}: ${manifest.chunks.length} chunks, ${formatBytes(manifest.totalSize)}; signed by ${secrets.privateJwk.kid} (JWKS ${jwksFile}), merkle root ${manifest.merkleRoot}\n`,
    );
  });

  it('a flipped byte in a chunk: CHUNK_HASH_MISMATCH naming the chunk', async () => {
    const dir = await copy();
    const bytes = await readFile(chunkPath(dir, 2));
    bytes[100]! ^= 0x01;
    await writeFile(chunkPath(dir, 2), bytes);
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error CHUNK_HASH_MISMATCH: chunk 2 does not hash to ${manifest.chunks[2]!.sha256}\n`);
  });

  it('two chunks in each other’s place: CHUNK_MISPLACED for both', async () => {
    const dir = await copy();
    await rename(chunkPath(dir, 1), join(dir, 'swap'));
    await rename(chunkPath(dir, 3), chunkPath(dir, 1));
    await rename(join(dir, 'swap'), chunkPath(dir, 3));
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe('error CHUNK_MISPLACED: chunk 1 holds the bytes of chunk 3 (and 1 more: CHUNK_MISPLACED@3)\n');
  });

  it('a manifest signed by a key outside the JWKS: SIGNATURE_UNKNOWN_KEY', async () => {
    const dir = join(root, 'stranger');
    const stranger = await generateSecrets();
    await writeExportDir(dir, stranger);
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error SIGNATURE_UNKNOWN_KEY: no key with kid "${stranger.privateJwk.kid}" in the JWKS\n`);
  });

  it('a manifest field changed after signing: SIGNATURE_INVALID', async () => {
    const dir = await copy();
    const edited = { ...manifest, proofs: { ...manifest.proofs, purpose: ['investigation', 'training'] } };
    await writeFile(manifestPath(dir), JSON.stringify(edited));
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error SIGNATURE_INVALID: the signature by "${secrets.privateJwk.kid}" does not match the manifest\n`);
  });

  it('a truncated chunk: CHUNK_TRUNCATED with the bytes it has', async () => {
    const dir = await copy();
    const last = manifest.chunks.at(-1)!;
    await truncate(chunkPath(dir, last.ix), 10);
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error CHUNK_TRUNCATED: chunk ${last.ix} has 10 of its ${last.size} bytes\n`);
  });

  it('a chunk still downloading: CHUNK_MISSING, pointing at its part file', async () => {
    const dir = await copy();
    await rename(chunkPath(dir, 1), chunkPath(dir, 1, 'partial'));
    const run = await verify(dir);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error CHUNK_MISSING: chunk 1 is missing (partly downloaded as ${chunkPath(dir, 1, 'partial')}: rerun the pull to complete it)\n`);
  });

  it('a manifest signed by a retired key still verifies while the JWKS keeps it', async () => {
    const next = await generateSecrets();
    const rotated = join(root, 'rotated-jwks.json');
    await writeFile(rotated, JSON.stringify({ keys: publicJwks({ ...next, retiredPublicJwks: [secrets.publicJwk] }) }));
    const run = await verify(pristine, rotated);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`signed by ${secrets.privateJwk.kid}`);
  });

  it('names what is not an export directory or not a key set', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect((await verify(empty)).err).toBe(`error MANIFEST_MISSING: ${manifestPath(empty)} does not exist: not the output of \`conductor export pull\`\n`);
    const notJson = await copy();
    await writeFile(manifestPath(notJson), '{"exportId":');
    expect((await verify(notJson)).err).toBe(`error MANIFEST_INVALID: ${manifestPath(notJson)} is not JSON\n`);
    expect((await verify(pristine, join(root, 'nope.json'))).err).toMatch(/^error JWKS_UNAVAILABLE: cannot read the JWKS at .*nope\.json: ENOENT/);
    expect((await verify(pristine, manifestPath(pristine))).err).toContain('error JWKS_INVALID:');
  });

  // The wiring a user runs: a fresh process through control-plane/bin/conductor.mjs.
  it('exits 1 from the real binary, with the code on stderr', async () => {
    const dir = await copy();
    await truncate(chunkPath(dir, 0), 1);
    const failed = await promisify(execFile)(process.execPath, [bin, 'export', 'verify', dir, '--jwks', jwksFile]).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toBe(`error CHUNK_TRUNCATED: chunk 0 has 1 of its ${CHUNK_SIZE} bytes\n`);
  });
});
