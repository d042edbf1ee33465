import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { alertNotifications, alertStates } from '@conductor/schema/alerts';
import { scheduledJobs } from '@conductor/schema/jobs';
import { edgeMetricMinutes } from '@conductor/schema/metrics';
import { savePurgeEvent } from './cache/purge/queries.ts';
import { upsertTenant } from './tenants/queries.ts';
import { ingestBatch } from './metrics/service.ts';
import { batch, series } from './metrics/testing.ts';
import { serveTestDatabase, type ServedTestDatabase } from './testing/database.ts';

// The Worker entry in real workerd (wrangler's local runtime), built from control-plane/wrangler.toml:
// proves the bundle, the web build of Cedar and the text-bundled policies, and the Cron Trigger
// path of the scheduler against a real database (PGlite served over the wire protocol, or
// PostgreSQL under test:pg), reached the way a deployed Worker reaches Neon: Neon's driver over a
// WebSocket (here through the loopback relay).
let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
let url: URL;
let secrets: DevSecrets;
let persistDir: string;
let database: ServedTestDatabase;

beforeAll(async () => {
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  secrets = await generateSecrets();
  persistDir = await mkdtemp(join(tmpdir(), 'conductor-cp-worker-'));
  database = await serveTestDatabase();
  worker = await unstable_startWorker({
    config: new URL('../wrangler.toml', import.meta.url).pathname,
    bindings: {
      DATABASE_URL: { type: 'plain_text', value: database.databaseUrl },
      DATABASE_WS_PROXY: { type: 'plain_text', value: database.wsProxy },
      JWT_PUBLIC_JWKS: { type: 'plain_text', value: JSON.stringify({ keys: [secrets.publicJwk] }) },
      PURGE_SIGNING_SECRET: { type: 'plain_text', value: secrets.purgeSecret },
    },
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: persistDir },
  });
  await worker.ready;
  url = await worker.url;
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  await database?.close();
  await rm(persistDir, { recursive: true, force: true });
});

/** Fires the Cron Trigger as Cloudflare would at `time` (miniflare's trigger endpoint of `wrangler dev`). */
async function cron(time: Date): Promise<{ outcome: string }> {
  const res = await fetch(new URL(`/cdn-cgi/local/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time.getTime()}&format=json`, url));
  const body = (await res.json()) as { outcome: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe('control plane Worker entry', () => {
  it('serves the JWKS and the OpenAPI document', async () => {
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', url))).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([secrets.publicJwk.kid]);
    const doc = (await (await fetch(new URL('/openapi.json', url))).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/tenants');
  });

  it('authenticates with the configured keys and authorizes with Cedar in workerd', async () => {
    const anonymous = await fetch(new URL('/v1/tenants', url));
    expect(anonymous.status).toBe(401);
    const token = await mintToken(secrets.privateJwk, { tenant: 'acme', scopes: ['admin.write'] });
    const res = await fetch(new URL('/v1/tenants', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'initech', name: 'Initech' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('platform-admin'),
    });
  });

  it('serves admin GraphQL through graphql-http in workerd, with its limits and error codes', async () => {
    const token = await mintToken(secrets.privateJwk, { tenant: 'acme', scopes: ['admin.read'] });
    const graphql = (query: string) =>
      fetch(new URL('/graphql', url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
    const ok = await graphql('{ __typename }');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
    const deep = await graphql(`{ __schema { types { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ errors: [{ extensions: { code: 'QUERY_TOO_DEEP' } }] });
  });
});

describe('control plane Worker Cron Trigger', () => {
  it('runs the due background jobs on the real database: retention prunes, alerts are evaluated and remembered', async () => {
    const db = database.db;
    // The last minute of an hour would make the next trigger retention's next hour too: step back one.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const now = new Date(minute % 3_600_000 === 3_540_000 ? minute - 60_000 : minute);
    const old = now.getTime() - 15 * 86_400_000;
    const recent = now.getTime() - 10 * 60_000;
    await ingestBatch(db, batch({ series: [series({ minute: old, status: 'HIT', totalMs: [1] })], sentAt: new Date(old) }), old);
    await ingestBatch(db, batch({ series: [series({ minute: recent, status: 'HIT', totalMs: [1] })] }), now.getTime());
    await upsertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
    await savePurgeEvent(db, { purgeId: 'worker-failed-1', tenantId: 'acme', request: { purgeId: 'worker-failed-1', tenant: 'acme', all: true }, receipt: null, status: 'failed', error: 'edge down', actor: 'user:a' });

    expect(await cron(now)).toMatchObject({ outcome: 'ok' });

    // Retention (14 days, wrangler.toml) deleted the old minute and kept the recent one.
    expect((await db.select().from(edgeMetricMinutes)).map((r) => r.minute.getTime())).toEqual([recent]);
    const jobs = Object.fromEntries((await db.select().from(scheduledJobs)).map((j) => [j.name, j]));
    expect(jobs['metrics.retention']).toMatchObject({ lastOutcome: 'ok', runs: 1, leaseOwner: null, nextRunAt: new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000) });
    expect(jobs['metrics.retention']!.lastResult).toMatchObject({ retentionDays: 14, deleted: { minutes: 1 } });
    // The failed purge fires at once (ConductorPurgeFailures has no `for`) and is a backlog, pending for 5 minutes.
    expect(jobs['alerts.evaluate']).toMatchObject({ lastOutcome: 'ok', runs: 1, nextRunAt: new Date(now.getTime() + 60_000) });
    const states = await db.select().from(alertStates).where(eq(alertStates.tenantId, 'acme'));
    expect(states.map((a) => [a.alertname, a.state]).sort()).toEqual([
      ['ConductorInvalidationBacklog', 'pending'],
      ['ConductorPurgeFailures', 'firing'],
    ]);
    expect((await db.select().from(alertNotifications)).map((n) => `${n.alertname}:${n.state}`).sort()).toEqual(['ConductorInvalidationBacklog:pending', 'ConductorPurgeFailures:firing']);

    // The same trigger again finds nothing due: no job runs twice for one slot.
    await cron(now);
    expect((await db.select().from(scheduledJobs)).map((j) => j.runs)).toEqual([1, 1]);
    // A minute later the alerts run again (retention waits for its hour) and remember what they saw.
    await cron(new Date(now.getTime() + 60_000));
    const after = Object.fromEntries((await db.select().from(scheduledJobs)).map((j) => [j.name, j.runs]));
    expect(after).toEqual({ 'metrics.retention': 1, 'alerts.evaluate': 2 });
    expect(await db.select().from(alertNotifications)).toHaveLength(2);
  });
});
