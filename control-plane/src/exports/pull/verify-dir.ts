import { access, readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import { verifyExport, type ExportVerification } from '../manifest/index.ts';
import { PullError } from './errors.ts';
import { digestFile } from './files.ts';
import { chunkPath, manifestPath } from './layout.ts';

/**
 * `conductor export verify DIR`: everything a pull checked, again, from the files alone: the
 * manifest's schema and signature against `jwks`, its consistency (ix order, sizes, merkleRoot),
 * and every chunk's length and SHA-256 (hashed as it streams). The failures are verifyExport's,
 * one per cause; a chunk only partly downloaded says so, since a rerun of the pull completes it.
 * Throws MANIFEST_MISSING when DIR has no manifest.json at all.
 */
export async function verifyExportDir(dir: string, jwks: JSONWebKeySet): Promise<ExportVerification> {
  let text: string;
  try {
    text = await readFile(manifestPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PullError('MANIFEST_MISSING', `${manifestPath(dir)} does not exist: not the output of \`conductor export pull\``);
    throw err;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return { ok: false, failures: [{ code: 'MANIFEST_INVALID', message: `${manifestPath(dir)} is not JSON` }] };
  }
  const result = await verifyExport({ manifest, jwks, digestChunk: (ix) => digestFile(chunkPath(dir, ix)) });
  for (const failure of result.failures) {
    if (failure.code !== 'CHUNK_MISSING' || failure.ix === undefined) continue;
    const part = chunkPath(dir, failure.ix, 'partial');
    if (await access(part).then(() => true, () => false)) failure.message += ` (partly downloaded as ${part}: rerun the pull to complete it)`;
  }
  return result;
}
