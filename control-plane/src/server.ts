import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { isLoopbackHost } from './admin/dev-mode.ts';
import { createApp } from './app.ts';
import { defaultDataDir, ensureDevSecrets, publicJwks } from '@conductor/schema/auth/dev-keys';
import { parseConfig, ServerConfigSchema } from './config.ts';
import { openDatabase, type Db } from './db/client.ts';
import { defaultBlobRoot, fsBlobStore } from './exports/blobs/fs.ts';
import { documentExportJob } from './exports/pipeline.ts';
import { backgroundJobs } from './scheduler/registry.ts';
import { startScheduler, type Scheduler } from './scheduler/timer.ts';
import { seedDemo as seedDemoData } from './seed/demo.ts';

export interface ControlPlaneOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** PostgreSQL via the Neon driver; defaults to $DATABASE_URL, so `npm run test:pg` switches every caller. */
  databaseUrl?: string;
  /** PGlite directory or 'memory://'; default `${dataDir}/pglite`. */
  pglitePath?: string;
  /** Dev keys and the PGlite files live here; default $CONDUCTOR_DATA_DIR or ./.data. */
  dataDir?: string;
  edgeUrl?: string;
  /**
   * The origin whose `Documents` operation exports read (ORIGIN_URL in node.ts). A function is
   * asked at each read, for a stack that starts the origin after the control plane. Without it
   * the export build job is not registered, and requested exports stay `building`.
   */
  originUrl?: string | (() => string);
  seedDemo?: boolean;
  /** Days of edge metrics kept; default 14 (METRICS_RETENTION_DAYS in node.ts). */
  metricsRetentionDays?: number;
  /** How often background jobs are checked for being due; default 15 s (SCHEDULER_TICK_MS in node.ts). */
  schedulerTickMs?: number;
}

export interface RunningControlPlane {
  url: string;
  port: number;
  db: Db;
  /** The background jobs' timer: `runNow(name)` runs one at once (tests, operators). */
  scheduler: Scheduler;
  close(): Promise<void>;
}

/** Opens (and migrates) the database, loads the dev secrets and serves the app on loopback. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<RunningControlPlane> {
  const config = parseConfig(
    ServerConfigSchema,
    { ...opts, originUrl: typeof opts.originUrl === 'string' ? opts.originUrl : undefined, databaseUrl: opts.databaseUrl ?? (process.env.DATABASE_URL || undefined), dataDir: opts.dataDir ?? defaultDataDir() },
    'control plane options',
  );
  const secrets = await ensureDevSecrets(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, pglitePath: config.pglitePath ?? join(config.dataDir, 'pglite') });
  try {
    if (config.seedDemo) await seedDemoData(database.db);
    // One store for the build job and the download routes: what one writes the other serves.
    const exportBlobs = fsBlobStore(defaultBlobRoot(config.dataDir));
    const app = createApp({
      db: database.db,
      publicJwks: publicJwks(secrets),
      purgeSecret: secrets.purgeSecret,
      edgeUrl: config.edgeUrl,
      fetch: (input, init) => fetch(input, init),
      exportBlobs,
      ...(isLoopbackHost(config.host) ? { devSigningKey: secrets.privateJwk } : {}),
    });
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const originUrl = typeof opts.originUrl === 'function' ? opts.originUrl : config.originUrl;
    const exports = originUrl ? documentExportJob({ blobs: exportBlobs, originUrl, signingKey: secrets.privateJwk }) : undefined;
    const scheduler = startScheduler(database.db, backgroundJobs({ metricsRetentionDays: config.metricsRetentionDays, exports }), { tickMs: config.schedulerTickMs });
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      port,
      db: database.db,
      scheduler,
      close: () =>
        (closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Keep-alive sockets would otherwise hold close() open until they time out.
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          await scheduler.stop();
          await database.close();
        })()),
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
