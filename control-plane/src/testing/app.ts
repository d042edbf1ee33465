import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { createApp } from '../app.ts';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken, type MintOptions } from '@conductor/schema/auth/tokens';
import type { Db } from '../db/client.ts';
import { fsBlobStore } from '../exports/blobs/fs.ts';
import type { AppDeps } from '../http/env.ts';
import { openTestDatabase } from './database.ts';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  secrets: DevSecrets;
  /** The export blob store's directory (a fresh temporary one, removed by close), unless `exportBlobs` was overridden. */
  blobRoot: string;
  /** A JWT signed by this app's key. */
  token(opts: MintOptions): Promise<string>;
  /** app.request with a bearer token and, for objects, a JSON body. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database (see openTestDatabase) with its own signing key, driven
 * in-process through app.request. `overrides` swaps deps such as edgeUrl for a test's own server.
 */
export async function startTestApp(overrides: Partial<Omit<AppDeps, 'db'>> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const secrets = await generateSecrets();
  const publicJwks: JWK[] = [secrets.publicJwk];
  const blobRoot = await mkdtemp(join(tmpdir(), 'conductor-test-blobs-'));
  const app = createApp({
    db: database.db,
    publicJwks,
    purgeSecret: secrets.purgeSecret,
    edgeUrl: 'http://127.0.0.1:8787',
    fetch: (input, init) => fetch(input, init),
    exportBlobs: fsBlobStore(blobRoot),
    ...overrides,
  });
  return {
    app,
    db: database.db,
    secrets,
    blobRoot,
    token: (opts) => mintToken(secrets.privateJwk, opts),
    call: (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    close: async () => {
      await database.close();
      await rm(blobRoot, { recursive: true, force: true });
    },
  };
}

/** Token shapes the suites use again and again. */
export const PLATFORM_ADMIN: MintOptions = { tenant: 'conductor', sub: 'user:root', roles: ['platform-admin'], scopes: ['admin.write'] };
export const tenantAdmin = (tenant: string): MintOptions => ({ tenant, sub: `user:admin@${tenant}`, scopes: ['admin.write'] });
export const tenantReader = (tenant: string): MintOptions => ({ tenant, sub: `user:reader@${tenant}`, scopes: ['admin.read'] });
/** The edge pulling GET /v1/edge/config (only that scope; the real edge also pushes metrics). */
export const EDGE_CONFIG_READER: MintOptions = { tenant: 'conductor', sub: 'service:edge', scopes: ['edge.config'] };
