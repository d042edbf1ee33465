#!/usr/bin/env node
// Builds the publishable @conductor/sdk and packs it: `npm run pack -w @conductor/sdk [-- --out DIR]`.
//
// In this repository the package's `exports` point at the TypeScript sources, so every workspace
// (and tsx, vitest, wrangler) uses them without a build step. The published package is the compiled
// form: tsc writes dist/ (ESM + declarations), this script derives dist/package.json from
// ../package.json with each export mapped to its .js and .d.ts, and `npm pack` packs dist/.
// Prints the tarball's path and sha256 (JSON on the last line).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const here = dirname(dirname(new URL(import.meta.url).pathname));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(here, 'dist-pack') } } });
const out = resolve(values.out);
const dist = join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });

const source = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const compiled = (path) => {
  const base = path.replace(/^\.\/src\//, './').replace(/\.ts$/, '');
  return { types: `${base}.d.ts`, default: `${base}.js` };
};
const exports = Object.fromEntries(
  Object.entries(source.exports).map(([entry, path]) => [entry, path.endsWith('.ts') ? compiled(path) : path]),
);
const { private: _private, scripts: _scripts, devDependencies: _dev, ...published } = source;
writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ ...published, exports }, null, 2)}\n`);
copyFileSync(join(here, 'README.md'), join(dist, 'README.md'));

mkdirSync(out, { recursive: true });
const [packed] = JSON.parse(execFileSync('npm', ['pack', dist, '--json', '--workspaces=false', '--pack-destination', out], { encoding: 'utf8' }));
const tarball = join(out, packed.filename);
const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
console.log(JSON.stringify({ tarball, sha256, files: packed.files.length }));
