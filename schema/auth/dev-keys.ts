import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { JWT_ALG } from '../contracts/auth.ts';

/**
 * Local secrets, generated on first start into the ignored data dir (never committed):
 * the Ed25519 key that signs JWTs and export manifests, and the HMAC secret of the purge webhook.
 * Production supplies the same values through its secret store (see README).
 */
export interface DevSecrets {
  privateJwk: JWK;
  publicJwk: JWK;
  purgeSecret: string;
  /**
   * Public halves of earlier signing keys, newest first. They stay in the JWKS so that what they
   * signed (export manifests, tokens not yet expired) still verifies; nothing new is signed with
   * them (docs/adr/0014).
   */
  retiredPublicJwks?: JWK[];
}

/** The JWKS the control plane serves: the signing key first, then the retired ones. */
export function publicJwks(secrets: DevSecrets): JWK[] {
  return [secrets.publicJwk, ...(secrets.retiredPublicJwks ?? [])];
}

export function defaultDataDir(): string {
  return process.env.CONDUCTOR_DATA_DIR ?? join(process.cwd(), '.data');
}

export async function ensureDevSecrets(dataDir = defaultDataDir()): Promise<DevSecrets> {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'dev-secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DevSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secrets = await generateSecrets();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created the file meanwhile; then theirs wins and we read it.
  try {
    await writeFile(file, JSON.stringify(secrets, null, 2), { flag: 'wx', mode: 0o600 });
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(await readFile(file, 'utf8')) as DevSecrets;
  }
}

export async function generateSecrets(): Promise<DevSecrets> {
  return { ...(await generateSigningKey()), purgeSecret: randomBytes(32).toString('hex') };
}

async function generateSigningKey(): Promise<Pick<DevSecrets, 'privateJwk' | 'publicJwk'>> {
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `dev-${randomBytes(6).toString('hex')}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  return { privateJwk, publicJwk };
}

/**
 * Replaces the signing key with a new one and keeps the old public key in `retiredPublicJwks`,
 * so the JWKS still verifies what the old key signed. The purge secret is unchanged. The file is
 * replaced by a rename, so a reader sees the old secrets or the new ones, never half a file; a
 * running control plane serves the new JWKS after a restart.
 */
export async function rotateSigningKey(dataDir = defaultDataDir()): Promise<DevSecrets> {
  const current = await ensureDevSecrets(dataDir);
  const rotated: DevSecrets = {
    ...current,
    ...(await generateSigningKey()),
    retiredPublicJwks: [current.publicJwk, ...(current.retiredPublicJwks ?? [])],
  };
  const file = join(dataDir, 'keys', 'dev-secrets.json');
  const next = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(next, JSON.stringify(rotated, null, 2), { flag: 'wx', mode: 0o600 });
  await rename(next, file);
  return rotated;
}
