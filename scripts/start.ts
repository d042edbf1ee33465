import { resolve } from 'node:path';
import persisted from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import { startStack, type Stack } from './stack.ts';

// `npm start`: the three processes on fixed loopback ports, PGlite under .data/ (or DATABASE_URL), seeded.
const env = process.env;
const ports = {
  edge: Number(env.EDGE_PORT ?? 8787),
  controlPlane: Number(env.CONTROL_PLANE_PORT ?? 8788),
  origin: Number(env.ORIGIN_PORT ?? 8789),
};
const dataDir = resolve(env.CONDUCTOR_DATA_DIR ?? '.data');

let stack: Stack | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    console.error(`\n${signal} again: exiting without waiting for a clean stop`);
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping edge, origin and control plane…`);
  // Mid-start there is nothing to stop yet; the start sequence sees `stopping` and stops what it started.
  if (!stack) return;
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  stack = await startStack({
    ports,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    originLatencyMs: env.ORIGIN_LATENCY_MS ? Number(env.ORIGIN_LATENCY_MS) : 30,
    seedDemo: true,
    persistEdge: true,
  });
} catch (err) {
  console.error('conductor failed to start:', err);
  process.exit(1);
}
if (stopping) {
  await stack.stop();
  process.exit(0);
}
console.log(banner(stack));

function banner(s: Stack): string {
  const op = (name: string) => {
    const found = persisted.operations.find((o) => o.name === name);
    if (!found) throw new Error(`examples/origin/persisted-operations.json lacks ${name}`);
    return `sha256:${found.id}`;
  };
  const db = env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}/pglite`;
  // The CLI reads the dev key from CONDUCTOR_DATA_DIR and sends purges to EDGE_URL: repeat non-defaults.
  const cliEnv = [
    env.CONDUCTOR_DATA_DIR ? `CONDUCTOR_DATA_DIR=${dataDir} ` : '',
    ports.edge !== 8787 ? `EDGE_URL=${s.edgeUrl} ` : '',
  ].join('');
  const read = `curl -si ${s.edgeUrl}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
  -d '{"documentId":"${op('EntityById')}","variables":{"id":"1"}}' | grep -iE '^x-cache|"name"'`;
  return `
Conductor is running
  edge           ${s.edgeUrl}   (workers/edge in local workerd via wrangler)
  control plane  ${s.controlPlaneUrl}   (${db}; API description at ${s.controlPlaneUrl}/openapi.json)
  origin         ${s.originUrl}   (example GraphQL API, tenants acme and globex)

Try it (another terminal, in this directory):

  TOKEN=$(${cliEnv}npx conductor token --tenant acme)

  # 1. first read: x-cache: MISS (served by the origin)
  ${read}

  # 2. same read again: x-cache: HIT
  ${read}

  # 3. rename entity 1 through the edge (the mutation purges the reads it affects)
  curl -s -w '\\n' ${s.edgeUrl}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"documentId":"${op('UpdateEntity')}","variables":{"id":"1","name":"Renamed at the edge"}}'

  # 4. read again: x-cache: MISS with the new name, then HIT
  ${read}

  # or purge through the signed hook, as an origin's mutation handler does:
  ${cliEnv}npx conductor purge --tenant acme --mutation updateEntity --vars '{"id":"1","name":"x"}'

Ctrl-C stops everything.
`;
}
