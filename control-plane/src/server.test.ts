import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledJobs } from '@conductor/schema/jobs';
import { ensureDevSecrets, rotateSigningKey } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { startControlPlane, type RunningControlPlane } from './server.ts';
import { PLATFORM_ADMIN } from './testing/app.ts';
import { createTestDatabaseUrl } from './testing/database.ts';
import { startTestControlPlane, type TestControlPlane } from './testing/control-plane.ts';

let running: TestControlPlane;
let dataDir: string;
let cp: RunningControlPlane;

beforeAll(async () => {
  running = await startTestControlPlane();
  ({ cp, dataDir } = running);
});
afterAll(() => running?.stop());

describe('startControlPlane', () => {
  it('serves over HTTP on a random loopback port with keys from the data dir', async () => {
    expect(cp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cp.port).toBeGreaterThan(0);
    const secrets = await ensureDevSecrets(dataDir);
    const jwks = (await (await fetch(`${cp.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([secrets.publicJwk.kid]);
  });

  // Export manifests signed with a retired key must still verify (docs/adr/0014).
  it('serves retired signing keys after the current one once the key is rotated', async () => {
    const rotatedDir = await mkdtemp(join(tmpdir(), 'conductor-cp-rotated-'));
    const pg = await createTestDatabaseUrl();
    try {
      const before = await ensureDevSecrets(rotatedDir);
      const after = await rotateSigningKey(rotatedDir);
      const rotated = await startControlPlane({ port: 0, dataDir: rotatedDir, databaseUrl: pg?.url, pglitePath: 'memory://', seedDemo: false });
      try {
        const jwks = (await (await fetch(`${rotated.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; d?: string }> };
        expect(jwks.keys.map((k) => k.kid)).toEqual([after.publicJwk.kid, before.publicJwk.kid]);
        expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
      } finally {
        await rotated.close();
      }
    } finally {
      await pg?.drop();
      await rm(rotatedDir, { recursive: true, force: true });
    }
  });

  it('seeds the demo tenants, safelist and invalidation map, and audits the seed', async () => {
    const token = await mintToken((await ensureDevSecrets(dataDir)).privateJwk, PLATFORM_ADMIN);
    const get = async (path: string) => {
      const res = await fetch(`${cp.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown[]>>;
    };
    const { tenants } = await get('/v1/tenants');
    expect(tenants).toEqual([
      expect.objectContaining({ id: 'acme', name: 'Acme Corp', strictSafelist: false }),
      expect.objectContaining({ id: 'globex', name: 'Globex', strictSafelist: true }),
    ]);
    expect((await get('/v1/safelist')).operations!.length).toBeGreaterThan(0);
    expect(await get('/v1/audit/verify')).toMatchObject({ ok: true });
  });

  it('runs every registered background job on its timer, from the start', async () => {
    // A tick queues behind the one at start, so when it answers the start tick has run.
    await cp.scheduler.tick();
    const jobs = await cp.db.select().from(scheduledJobs).orderBy(asc(scheduledJobs.name));
    expect(jobs.map((j) => [j.name, j.lastOutcome, j.runs >= 1])).toEqual([
      ['alerts.evaluate', 'ok', true],
      ['metrics.retention', 'ok', true],
    ]);
    expect(jobs[1]!.lastResult).toMatchObject({ retentionDays: 14 });
  });

  it('rejects invalid options with a clear message before starting anything', async () => {
    await expect(startControlPlane({ dataDir, port: 70000 })).rejects.toThrow(/invalid control plane options:[\s\S]*port/);
    await expect(startControlPlane({ dataDir, edgeUrl: 'ftp://edge' })).rejects.toThrow(/edgeUrl/);
  });
});
