import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createYoga } from 'graphql-yoga';
import { createPurgeClient, type ErrorBody, ErrorCode, FORWARDED_PURGE_ID_HEADER, FORWARDED_PURGE_SIGNATURE_HEADER, verifiedForwardedPurgeId } from '@conductor/sdk';
import { IN_MEMORY, openPurgeOutbox, startBacklogReports, type BacklogReporter, type OutboxStats } from '@conductor/sdk/outbox';
import { createVerifier } from './auth.ts';
import { createGate } from './gate.ts';
import { createServiceTimeSampler, type ServiceTimeModel } from './service-time.ts';
import type { OriginContext } from './graph/context.ts';
import { originPlugin } from './graph/plugin.ts';
import { createPurgeAfterWrite } from './graph/purge-after-write.ts';
import { createOriginSchema } from './graph/schema.ts';
import { GraphStore } from './graph/store.ts';
import { StatsCounter, type Stats } from './stats.ts';

export type { Stats } from './stats.ts';

export interface OriginOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The control plane's /.well-known/jwks.json. */
  jwksUrl: string;
  /** Base URL of the edge whose /__edge/purge hook the mutations call. */
  edgeUrl: string;
  purgeSecret: string;
  /** Artificial work per GraphQL request, so cache hits are visibly cheaper than misses. */
  latencyMs?: number;
  /** Requests beyond this many in flight queue (FIFO); unlimited when absent. */
  concurrencyLimit?: number;
  /**
   * Random service time instead of the constant `latencyMs` (queueing backtests: exponential or
   * lognormal, seeded). Absent = `latencyMs`, as before.
   */
  serviceTime?: ServiceTimeModel;
  /**
   * Add `Server-Timing: queue;dur=…, svc;dur=…, sleep;dur=…` (ms waited for a gate slot, ms holding
   * it, and the drawn sleep inside it) to GraphQL answers, so a load generator can fit the service
   * time and replay the exact draws (bench/whatif.ts). Off by default.
   */
  serverTiming?: boolean;
  /** Where warnings (failed purges) go; stderr by default. */
  log?: (line: string) => void;
  /**
   * The origin's own state directory: the purge outbox lives in `<dataDir>/purge-outbox.sqlite`
   * and survives restarts. Without it the outbox is in memory (pending purges die with the process).
   */
  dataDir?: string;
  /** How long a mutation waits for its purge receipt before answering with the purge `pending` (default 2000 ms). */
  purgeWaitMs?: number;
  /**
   * The control plane the outbox reports its backlog to (signed with `purgeSecret`, so its
   * invalidation-backlog alert sees purges stuck here); no reports without it.
   */
  controlPlaneUrl?: string;
  /** Between backlog reports; default 60 s. */
  backlogReportIntervalMs?: number;
  /** The `documents` corpus: seed and documents per tenant (defaults in src/corpus/generate.ts). */
  corpus?: { seed?: number; total?: number };
  /** Names this outbox in the reports; default `example-origin@<host>:<port>`, stable across restarts on the same port. */
  backlogSource?: string;
}

export const OUTBOX_FILE = 'purge-outbox.sqlite';

export interface RunningOrigin {
  url: string;
  port: number;
  stats(): Stats;
  resetStats(): void;
  outboxStats(): OutboxStats;
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';
const PUBLIC_CACHE_CONTROL = 'public, max-age=60';
const PRIVATE_CACHE_CONTROL = 'private, no-store';

export async function startOrigin(options: OriginOptions): Promise<RunningOrigin> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 30;
  const log = options.log ?? ((line: string) => console.error(line));
  const verify = createVerifier(options.jwksUrl);
  const gate = createGate(options.concurrencyLimit);
  const serviceDelayMs = options.serviceTime ? createServiceTimeSampler(options.serviceTime) : () => latencyMs;
  // One delivery round = the first attempt plus 2 quick retries (≈ 0.3 s of backoff), each attempt
  // cut at 2 s; between rounds the outbox backs off on its own. The mutation itself waits at most
  // purgeWaitMs, well inside the edge's 10 s origin timeout.
  const purgeClient = createPurgeClient({ edgeUrl: options.edgeUrl, secret: options.purgeSecret, timeoutMs: 2_000, retries: 2 });
  const outbox = openPurgeOutbox({
    path: options.dataDir ? join(options.dataDir, OUTBOX_FILE) : IN_MEMORY,
    client: purgeClient,
    // A cached read can be stale until its purge lands, so once the edge is back that should take
    // seconds, not the half minute a bulk sender would back off to.
    retryMaxMs: 5_000,
    // Above the client's worst round (3 attempts × 2 s + backoff), so only a hung one is cut, and
    // close() never waits longer than this.
    roundTimeoutMs: 10_000,
    // A purge that needed more than one round was reported `pending`: say when it finally landed.
    onEvent: (e) => {
      if (e.type !== 'delivered' || e.attempts === 1) return;
      log(JSON.stringify({ level: 'info', msg: 'pending purge delivered', purgeId: e.purgeId, tenant: e.tenant, attempts: e.attempts, ageMs: e.ageMs }));
    },
  });
  const stats = new StatsCounter(() => outbox.stats());

  const yoga = createYoga<OriginContext>({
    schema: createOriginSchema({ store: new GraphStore(), corpus: options.corpus, afterWrite: createPurgeAfterWrite(outbox, options.purgeWaitMs ?? 2_000, stats, log) }),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: false,
    landingPage: false,
    logging: false,
    plugins: [originPlugin(stats)],
  });

  async function handleGraphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.request();
    const auth = await verify(req.headers.authorization);
    if (!auth.ok) return sendError(res, auth.status, auth.code, auth.message);
    // Only an id the edge signed is honoured: a client naming one could otherwise have its purge skipped.
    const forwardedPurgeId = await verifiedForwardedPurgeId(
      options.purgeSecret,
      headerValue(req.headers[FORWARDED_PURGE_ID_HEADER]),
      headerValue(req.headers[FORWARDED_PURGE_SIGNATURE_HEADER]),
    );
    const context: OriginContext = { claims: auth.claims, state: { private: false, noStore: false, purges: [] }, forwardedPurgeId };
    const enqueuedAt = performance.now();
    let serverTiming: string | undefined;
    const response = await gate(async () => {
      const startedAt = performance.now();
      const delayMs = serviceDelayMs();
      if (delayMs > 0) await sleep(delayMs);
      const answer = await yoga.handleNodeRequestAndResponse(req, res, context);
      if (options.serverTiming) {
        serverTiming = `queue;dur=${(startedAt - enqueuedAt).toFixed(3)}, svc;dur=${(performance.now() - startedAt).toFixed(3)}, sleep;dur=${delayMs.toFixed(4)}`;
      }
      return answer;
    });
    const headers = new Headers(response.headers);
    if (serverTiming) headers.set('server-timing', serverTiming);
    headers.set('cache-control', cacheControl(response.status, context.state));
    const body = Buffer.from(await response.arrayBuffer());
    headers.set('content-length', String(body.length));
    res.writeHead(response.status, Object.fromEntries(headers));
    res.end(body);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    if (path === GRAPHQL_PATH) return handleGraphql(req, res);
    if (path === '/__stats' && req.method === 'GET') return sendJson(res, 200, stats.snapshot());
    if (path === '/__stats/reset' && req.method === 'POST') {
      stats.reset();
      return sendJson(res, 200, stats.snapshot());
    }
    if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { ok: true });
    return sendError(res, 404, ErrorCode.NOT_FOUND, `no route for ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      log(JSON.stringify({ level: 'error', msg: 'request failed', error: err instanceof Error ? err.stack : String(err) }));
      if (!res.headersSent) sendError(res, 500, ErrorCode.INTERNAL, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      // A port already taken must not leave the outbox's file open (and its loop running).
      void outbox.close();
      reject(err);
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let reporter: BacklogReporter | undefined;
  if (options.controlPlaneUrl) {
    reporter = startBacklogReports({
      backlog: () => outbox.backlog(),
      controlPlaneUrl: options.controlPlaneUrl,
      secret: options.purgeSecret,
      source: options.backlogSource ?? `example-origin@${host}:${port}`,
      intervalMs: options.backlogReportIntervalMs,
      onOutcome: (o) => {
        if (!o.ok) log(JSON.stringify({ level: 'warn', msg: 'purge backlog report failed', status: o.status, code: o.code, error: o.message }));
      },
    });
  }

  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    outboxStats: () => outbox.stats(),
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // Idle keep-alive sockets (the edge's, autocannon's) would otherwise hold close() open.
      server.closeIdleConnections();
      await closed;
      await yoga.dispose();
      await reporter?.stop();
      // Pending purges stay in the file; the next start on the same dataDir delivers them.
      await outbox.close();
    },
  };
}

// Only a successful, non-personal answer may be shared; a 200 with `errors` stays public on purpose,
// so the edge's own "never cache errors" rule is what keeps it out of the cache.
function cacheControl(status: number, state: { private: boolean; noStore?: boolean }): string {
  if (state.private) return PRIVATE_CACHE_CONTROL;
  if (state.noStore) return 'no-store';
  return status >= 200 && status < 300 ? PUBLIC_CACHE_CONTROL : 'no-store';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  sendJson(res, status, body);
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
