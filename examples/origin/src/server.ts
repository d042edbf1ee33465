import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createYoga } from 'graphql-yoga';
import { ErrorCode, type ErrorBody } from '../../../schema/contracts/errors.ts';
import { createPurgeClient } from '../../../sdk/src/purge/client.ts';
import { createVerifier } from './auth.ts';
import { createGate } from './gate.ts';
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
  /** Where warnings (failed purges) go; stderr by default. */
  log?: (line: string) => void;
}

export interface RunningOrigin {
  url: string;
  port: number;
  stats(): Stats;
  resetStats(): void;
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';
const PUBLIC_CACHE_CONTROL = 'public, max-age=60';
const PRIVATE_CACHE_CONTROL = 'private, no-store';

export async function startOrigin(options: OriginOptions): Promise<RunningOrigin> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 30;
  const log = options.log ?? ((line: string) => console.error(line));
  const stats = new StatsCounter();
  const verify = createVerifier(options.jwksUrl);
  const gate = createGate(options.concurrencyLimit);
  // 2 s per attempt keeps the worst case (4 attempts plus backoff) inside the edge's 10 s origin
  // timeout, so a mutation routed through a struggling edge still gets its answer.
  const purgeClient = createPurgeClient({ edgeUrl: options.edgeUrl, secret: options.purgeSecret, timeoutMs: 2_000 });

  const yoga = createYoga<OriginContext>({
    schema: createOriginSchema({ store: new GraphStore(), afterWrite: createPurgeAfterWrite(purgeClient, stats, log) }),
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
    const context: OriginContext = { claims: auth.claims, state: { private: false, purges: [] } };
    const response = await gate(async () => {
      if (latencyMs > 0) await sleep(latencyMs);
      return yoga.handleNodeRequestAndResponse(req, res, context);
    });
    const headers = new Headers(response.headers);
    headers.set('cache-control', cacheControl(response.status, context.state.private));
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
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // Idle keep-alive sockets (the edge's, autocannon's) would otherwise hold close() open.
      server.closeIdleConnections();
      await closed;
      await yoga.dispose();
    },
  };
}

// Only a successful, non-personal answer may be shared; a 200 with `errors` stays public on purpose,
// so the edge's own "never cache errors" rule is what keeps it out of the cache.
function cacheControl(status: number, personal: boolean): string {
  if (personal) return PRIVATE_CACHE_CONTROL;
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
