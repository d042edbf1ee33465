import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The edge's upload stays small by validating with zod/mini mirrors and never reaching a module that
// imports classic zod (docs/adr/0012). One stray import of a constant from such a module brings all of
// classic zod and its locales back (577 KiB once); this builds what `wrangler deploy` uploads and says so.
const ROOT = resolve(import.meta.dirname, '../..');
const LIMIT_BYTES = 300 * 1024;

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

let outdir: string;
let metafile: Metafile;
let uploadBytes: number;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'edge-bundle-'));
  const cli = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const args = [cli, 'deploy', '--dry-run', '--outdir', outdir, '--metafile', join(outdir, 'meta.json'), '--config', join(ROOT, 'wrangler.toml')];
  await new Promise<void>((res, rej) => {
    const p = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', rej);
    p.once('exit', (code) => (code === 0 ? res() : rej(new Error(`wrangler deploy --dry-run failed (${code}):\n${err}`))));
  });
  metafile = JSON.parse(await readFile(join(outdir, 'meta.json'), 'utf8')) as Metafile;
  const modules = (await readdir(outdir)).filter((f) => /\.(m?js|wasm)$/.test(f));
  uploadBytes = (await Promise.all(modules.map((f) => readFile(join(outdir, f))))).reduce((n, b) => n + b.byteLength, 0);
}, 180_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('the edge bundle wrangler deploy uploads', () => {
  it('carries no byte of classic zod, nor any locale but the English one the mirrors load', () => {
    const entry = Object.values(metafile.outputs).find((o) => o.entryPoint);
    const classic = Object.entries(entry!.inputs)
      .filter(([path, input]) => /node_modules\/zod\/(v4\/(classic|locales)\/|index\.js$|v4\/index\.js$)/.test(path) && input.bytesInOutput > 0)
      .filter(([path]) => !path.endsWith('zod/v4/locales/en.js'))
      .map(([path]) => path);
    expect(classic).toEqual([]);
  });

  it('is at most 300 KiB uncompressed', () => {
    expect(uploadBytes).toBeLessThanOrEqual(LIMIT_BYTES);
  });
});
