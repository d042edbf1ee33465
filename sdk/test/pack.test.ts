import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire, findPackageJSON } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACK_SCRIPT = new URL('../scripts/pack.mjs', import.meta.url).pathname;

// The child npm must not see the parent `npm test`'s npm_* settings (workspace, prefix, script names).
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

/**
 * The package as a stranger gets it: built, packed into a tarball, installed into an empty project
 * (from npm's local cache only: tests reach no registry), imported there by name, and its type
 * declarations checked by tsc with Node's own module resolution.
 */
describe('@conductor/sdk as a published package', () => {
  let work: string;
  let consumer: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'conductor-sdk-pack-'));
    const { stdout } = await run(process.execPath, [PACK_SCRIPT, '--out', join(work, 'out')], { env: cleanEnv() });
    tarball = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { tarball: string }).tarball;
    consumer = join(work, 'consumer');
    await mkdir(consumer);
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Tests reach no registry: the SDK's dependencies are packed from this repository's installed copies
    // and offered alongside, so npm resolves every range locally (--offline fails on any fetch).
    const sdkManifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    const deps: string[] = [];
    await mkdir(join(work, 'deps'));
    for (const name of Object.keys(sdkManifest.dependencies)) {
      const dir = dirname(findPackageJSON(name, import.meta.url)!);
      const { stdout: packed } = await run('npm', ['pack', dir, '--json', '--workspaces=false', '--pack-destination', join(work, 'deps')], { env: cleanEnv() });
      deps.push(join(work, 'deps', (JSON.parse(packed) as [{ filename: string }])[0].filename));
    }
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...deps], { cwd: consumer, env: cleanEnv() });
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and declarations only, with no path back into this repository', async () => {
    const manifest = JSON.parse(await readFile(join(consumer, 'node_modules/@conductor/sdk/package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(JSON.stringify(manifest.exports)).not.toMatch(/(?<!\.d)\.ts"|\/src\//);
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/index.js');
    expect(files).toContain('package/index.d.ts');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('.test.'))).toEqual([]);
  });

  it('imports by name in a fresh project and works: ids, signatures, contracts, the Node outbox', async () => {
    const script = `
      import { documentId, variablesHash, signWebhook, verifyWebhook, PurgeRequestSchema, ErrorCode } from '@conductor/sdk';
      import { openPurgeOutbox, IN_MEMORY } from '@conductor/sdk/outbox';
      import { startPurgeReceiver } from '@conductor/sdk/testing';
      const body = JSON.stringify({ tenant: 'acme', all: true });
      const header = await signWebhook('a-secret-of-sixteen+', body);
      console.log(JSON.stringify({
        id: await documentId('query Ping { ping }'),
        vars: await variablesHash({ b: 1, a: 2 }),
        verified: (await verifyWebhook('a-secret-of-sixteen+', body, header)).ok,
        parsed: PurgeRequestSchema.safeParse(JSON.parse(body)).success,
        code: ErrorCode.SIGNATURE_INVALID,
        outbox: typeof openPurgeOutbox, inMemory: IN_MEMORY, receiver: typeof startPurgeReceiver,
      }));`;
    await writeFile(join(consumer, 'use.mjs'), script);
    const { stdout } = await run(process.execPath, ['--disable-warning=ExperimentalWarning', 'use.mjs'], { cwd: consumer });
    const { createHash } = await import('node:crypto');
    expect(JSON.parse(stdout)).toEqual({
      id: `sha256:${createHash('sha256').update('query Ping { ping }').digest('hex')}`,
      vars: createHash('sha256').update('{"a":2,"b":1}').digest('hex'),
      verified: true,
      parsed: true,
      code: 'SIGNATURE_INVALID',
      outbox: 'function',
      inMemory: ':memory:',
      receiver: 'function',
    });
  });

  it('type-checks a consumer under NodeNext resolution against the shipped declarations', async () => {
    await writeFile(
      join(consumer, 'use.ts'),
      `import { createPurgeClient, type PurgeReceipt } from '@conductor/sdk';
       import { openPurgeOutbox } from '@conductor/sdk/outbox';
       const client = createPurgeClient({ edgeUrl: 'http://127.0.0.1:9', secret: 'a-secret-of-sixteen+' });
       const receipt: Promise<PurgeReceipt> = client.purge({ tenant: 'acme', all: true });
       export const outbox = openPurgeOutbox({ path: ':memory:', client });
       export { receipt };`,
    );
    const require = createRequire(import.meta.url);
    const tsc = require.resolve('typescript/bin/tsc');
    const typeRoots = dirname(dirname(require.resolve('@types/node/package.json')));
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'false', '--types', 'node', '--typeRoots', typeRoots, 'use.ts'];
    await expect(run(process.execPath, [tsc, ...args], { cwd: consumer })).resolves.toBeDefined();
    // A full strict tsc over the declarations and @types/node: tens of seconds on a loaded machine.
  }, 180_000);
});
