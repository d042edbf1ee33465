import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, type OperationDefinitionNode } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { decodeJwt } from 'jose';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import policy from '@conductor/example-origin/cache-policy.json' with { type: 'json' };
import manifest from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import { createVerifier } from '@conductor/example-origin/auth';
import type { OriginContext } from '@conductor/example-origin/graph/context';
import { createOriginSchema } from '@conductor/example-origin/graph/schema';
import { GraphStore } from '@conductor/example-origin/graph/store';
import type { Claims } from '@conductor/schema/contracts/auth';

/**
 * The benchmark's peer: graphql-yoga with @graphql-yoga/plugin-response-cache in front of the same
 * schema and store as examples/origin (so the data is identical), in its own Node process.
 *
 * Fair to the edge on purpose: the tenant comes from the same verified JWT (the control plane's
 * JWKS; verified tokens reused for up to 30 s, as the edge does), the response cache is keyed per
 * tenant through `session`, per-operation TTLs come from examples/origin/cache-policy.json (the
 * TTLs the edge gets from the control plane), and the origin's artificial latency is paid only when
 * an operation really executes (a miss), as it is for the edge's misses.
 *
 * Run as a child process by bench/edge.ts: `node --import tsx bench/peer/server.ts`, configured by
 * env (PEER_JWKS_URL, PEER_LATENCY_MS, PEER_PORT); prints one JSON line `{"url": …}` when listening.
 */
interface PeerContext extends OriginContext {
  state: OriginContext['state'] & { executed: boolean };
}

const VERIFIED_TOKEN_TTL_MS = 30_000;
const MAX_TOKENS = 2_048;

export async function startPeer(opts: { port: number; jwksUrl: string; latencyMs: number }) {
  const verify = createVerifier(opts.jwksUrl);
  const verified = new Map<string, { claims: Claims; until: number }>();
  const authenticate = async (authorization: string | undefined) => {
    const now = Date.now();
    const memo = authorization ? verified.get(authorization) : undefined;
    if (memo && now < memo.until) return { ok: true as const, claims: memo.claims };
    const result = await verify(authorization);
    if (result.ok && authorization) {
      const exp = decodeJwt(authorization.replace(/^Bearer\s+/i, '').trim()).exp;
      const until = Math.min(now + VERIFIED_TOKEN_TTL_MS, exp === undefined ? Infinity : exp * 1000);
      if (verified.size >= MAX_TOKENS) verified.delete(verified.keys().next().value!);
      verified.set(authorization, { claims: result.claims, until });
    }
    return result;
  };

  // The origin's work (30 ms by default) happens only when the operation executes, never on a hit.
  const originLatency: Plugin<OriginContext> = {
    onExecute({ executeFn, setExecuteFn, args }) {
      (args.contextValue.state as PeerContext['state']).executed = true;
      if (opts.latencyMs > 0) {
        setExecuteFn(async (a) => {
          await sleep(opts.latencyMs);
          return executeFn(a);
        });
      }
    },
  };

  const yoga = createYoga<OriginContext>({
    schema: createOriginSchema({ store: new GraphStore(), afterWrite: async () => {} }),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    logging: false,
    plugins: [
      useResponseCache<OriginContext>({
        session: (_request, context) => context.claims.tenant,
        // Nothing is cached unless the policy names it: the same operations, the same TTLs.
        ttl: 0,
        ttlPerSchemaCoordinate: policyTtls(),
        scopePerSchemaCoordinate: { 'Query.viewer': 'PRIVATE' },
      }),
      originLatency,
    ],
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = await authenticate(req.headers.authorization);
    if (!auth.ok) {
      const body = JSON.stringify({ error: { code: auth.code, message: auth.message } });
      res.writeHead(auth.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const context: PeerContext = { claims: auth.claims, state: { private: false, purges: [], executed: false }, forwardedPurgeId: null };
    const response = await yoga.handleNodeRequestAndResponse(req, res, context);
    const headers = Object.fromEntries(response.headers);
    const body = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(body.length);
    headers['x-cache'] = context.state.executed ? 'MISS' : 'HIT';
    res.writeHead(response.status, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[peer]', err);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** `Query.<root field>` → TTL in ms, from the cache policy the edge's safelist is seeded with. */
function policyTtls(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, { ttlSeconds }] of Object.entries(policy.operations)) {
    const body = manifest.operations.find((o) => o.name === name)?.body;
    if (!body) continue;
    const op = parse(body).definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    for (const sel of op?.selectionSet.selections ?? []) {
      if (sel.kind === 'Field') out[`Query.${sel.name.value}`] = ttlSeconds * 1000;
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startPeer({
    port: Number(process.env.PEER_PORT ?? 0),
    jwksUrl: process.env.PEER_JWKS_URL ?? 'http://127.0.0.1:8788/.well-known/jwks.json',
    latencyMs: Number(process.env.PEER_LATENCY_MS ?? 30),
  });
  console.log(JSON.stringify({ url }));
  // bench/peer/spawn.ts holds stdin open: when the benchmark goes away, so does the peer.
  process.stdin.resume();
  process.stdin.once('end', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}
