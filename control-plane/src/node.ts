import { parseConfig, NodeEnvSchema } from './config.ts';
import { startControlPlane } from './server.ts';

// `tsx control-plane/src/node.ts`: the control plane alone, seeded with the demo data.
async function main(): Promise<void> {
  const env = parseConfig(NodeEnvSchema, process.env, 'environment');
  const cp = await startControlPlane({
    port: env.CONTROL_PLANE_PORT,
    host: env.CONTROL_PLANE_HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.CONDUCTOR_DATA_DIR,
    edgeUrl: env.EDGE_URL,
    originUrl: env.ORIGIN_URL,
    seedDemo: true,
    metricsRetentionDays: env.METRICS_RETENTION_DAYS,
    schedulerTickMs: env.SCHEDULER_TICK_MS,
  });
  console.log(`control plane listening on ${cp.url} (OpenAPI: ${cp.url}/openapi.json)`);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      cp.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('control plane did not stop cleanly:', err);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  // Configuration and start-up errors are meant for the operator: the message, not a stack.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
