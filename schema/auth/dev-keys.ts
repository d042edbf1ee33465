import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { JWT_ALG } from '../contracts/auth.ts';

/**
 * Local secrets, generated on first start into the ignored data dir (never committed):
 * the Ed25519 key that signs JWTs and the HMAC secret of the purge webhook.
 * Production supplies the same values through its secret store (see README).
 */
export interface DevSecrets {
  privateJwk: JWK;
  publicJwk: JWK;
  purgeSecret: string;
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
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `dev-${randomBytes(6).toString('hex')}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  return { privateJwk, publicJwk, purgeSecret: randomBytes(32).toString('hex') };
}
