import { randomBytes } from 'node:crypto';
import { openDatabase, prepareNeonTransport, type OpenedDatabase } from '../db/client.ts';
import { startWsRelay } from '../db/ws-relay.ts';
import { servePgliteWire } from './pglite-wire.ts';

/**
 * Opens (and migrates) a database by location, for tests whose processes take turns on one: a
 * PGlite directory a killed child leaves behind, or a URL from createTestDatabaseUrl.
 */
export { openDatabase };

export interface TestDatabaseUrl {
  url: string;
  drop(): Promise<void>;
}

/**
 * A uniquely named, empty PostgreSQL database next to the one DATABASE_URL names, created
 * through that (admin) connection; undefined when DATABASE_URL is unset (PGlite runs).
 */
export async function createTestDatabaseUrl(): Promise<TestDatabaseUrl | undefined> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `conductor_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabase(adminUrl, name) };
}

/**
 * `with (force)` also tries to terminate an autovacuum worker that happens to be in the database,
 * which a non-superuser role may not signal (42501, "must be a member of the role whose process is
 * being terminated"); the worker is gone within moments, so that one error is retried.
 */
async function dropDatabase(adminUrl: string, name: string, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin(adminUrl, `drop database if exists "${name}" with (force)`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or — when
 * DATABASE_URL is set (`npm run test:pg`) — its own PostgreSQL database, dropped on close,
 * so files never see each other's rows.
 */
export async function openTestDatabase(): Promise<OpenedDatabase & { url?: string }> {
  const pg = await createTestDatabaseUrl();
  if (!pg) return openDatabase({ pglitePath: 'memory://' });
  let opened: OpenedDatabase;
  try {
    opened = await openDatabase({ databaseUrl: pg.url });
  } catch (err) {
    await pg.drop();
    throw err;
  }
  return {
    db: opened.db,
    url: pg.url,
    close: async () => {
      await opened.close();
      await pg.drop();
    },
  };
}

export interface ServedTestDatabase extends OpenedDatabase {
  /** What a Worker in workerd connects to: its DATABASE_URL… */
  databaseUrl: string;
  /** …through this WebSocket→TCP relay (its DATABASE_WS_PROXY). */
  wsProxy: string;
}

/**
 * A fresh, migrated test database (as openTestDatabase) that a Worker running in workerd can
 * reach the way a deployed one reaches Neon: the Neon driver over a WebSocket, here to a relay
 * on loopback, then TCP to PostgreSQL (test:pg) or to the PGlite this process holds, served over
 * the wire protocol. The test reads and writes the same database through `db`.
 */
export async function serveTestDatabase(): Promise<ServedTestDatabase> {
  const opened = await openTestDatabase();
  const wire = opened.pglite ? await servePgliteWire(opened.pglite) : undefined;
  const databaseUrl = wire?.url ?? opened.url;
  if (!databaseUrl) throw new Error('test database has neither PGlite nor a URL');
  const relay = await startWsRelay();
  return {
    ...opened,
    databaseUrl,
    wsProxy: `127.0.0.1:${relay.port}`,
    close: async () => {
      await relay.close();
      await wire?.close();
      await opened.close();
    },
  };
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const { Client } = await import('@neondatabase/serverless');
  const release = await prepareNeonTransport(adminUrl);
  const client = new Client({ connectionString: adminUrl });
  try {
    await client.connect();
    await client.query(statement);
  } finally {
    await client.end();
    await release();
  }
}
