import type { PGlite } from '@electric-sql/pglite';
import { migrationsFolder } from '@conductor/schema/migrations';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from '@conductor/schema';
import type { WsRelay } from './ws-relay.ts';

/**
 * The database handle every query function takes first. Both drivers' databases and their
 * transactions (`db.transaction(tx => …)`) satisfy it, so queries run unchanged on either
 * driver and inside a transaction.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenedDatabase {
  db: Db;
  /** The embedded database itself, when it is PGlite (tests serve it to other processes: testing/pglite-wire.ts). */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Arbitrary but fixed key of the migration lock ("migr").
const MIGRATION_LOCK_KEY = 0x6d696772;

/**
 * The one place the driver is chosen (docs/adr/0002): no URL → embedded PGlite (a directory, or
 * 'memory://'); a URL → Neon's serverless driver over WebSockets, relayed to TCP when the
 * database is on loopback. Migrations are applied before the handle is returned.
 */
export async function openDatabase(opts: { databaseUrl?: string; pglitePath?: string }): Promise<OpenedDatabase> {
  if (opts.databaseUrl) return openNeon(opts.databaseUrl);
  return openPglite(opts.pglitePath ?? 'memory://');
}

async function openPglite(dataDir: string): Promise<OpenedDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = new PGlite(dataDir);
  const db = drizzle({ client, schema, casing: 'snake_case' });
  try {
    await migrate(db, { migrationsFolder });
  } catch (err) {
    await client.close();
    throw err;
  }
  return { db, pglite: client, close: () => client.close() };
}

async function openNeon(databaseUrl: string): Promise<OpenedDatabase> {
  const { Pool } = await import('@neondatabase/serverless');
  const { drizzle } = await import('drizzle-orm/neon-serverless');
  const { migrate } = await import('drizzle-orm/neon-serverless/migrator');
  const releaseTransport = await prepareNeonTransport(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl });
  // An idle client losing its socket (server shutdown) must not crash the process.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  const close = async () => {
    await pool.end();
    await releaseTransport();
  };
  try {
    // Several processes (test files, e2e stacks) may start on one database at once; drizzle's
    // migrator is not safe against itself, so migrations run under a session advisory lock.
    const lockHolder = await pool.connect();
    try {
      await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await migrate(db, { migrationsFolder });
    } finally {
      await lockHolder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
      lockHolder.release();
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { db, close };
}

/**
 * Points the Neon driver at `databaseUrl`: production Neon keeps the driver's defaults; a loopback
 * PostgreSQL gets the WebSocket→TCP relay and plain (non-TLS) sockets. Returns the release function.
 */
export async function prepareNeonTransport(databaseUrl: string): Promise<() => Promise<void>> {
  const { neonConfig } = await import('@neondatabase/serverless');
  const { WebSocket } = await import('ws');
  neonConfig.webSocketConstructor = WebSocket;
  if (!isLoopback(new URL(databaseUrl).hostname)) return async () => {};
  const { port } = await acquireRelay();
  neonConfig.wsProxy = (host, pgPort) => `127.0.0.1:${port}/v2?address=${host}:${pgPort}`;
  // A local PostgreSQL speaks plain TCP without TLS; Neon's proxy is what normally terminates TLS.
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  return releaseRelay;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

// neonConfig is process-global, so every loopback pool in the process shares one relay.
let shared: { relay: Promise<WsRelay>; users: number } | undefined;

async function acquireRelay(): Promise<WsRelay> {
  const { startWsRelay } = await import('./ws-relay.ts');
  shared ??= { relay: startWsRelay(), users: 0 };
  shared.users += 1;
  return shared.relay;
}

async function releaseRelay(): Promise<void> {
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  const { relay } = shared;
  shared = undefined;
  await (await relay).close();
}
