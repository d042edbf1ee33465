import { join } from 'node:path';
import { z } from 'zod';
import { defaultDataDir, ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { PurgeSecretSchema } from '@conductor/sdk';
import { silenceSqliteExperimentalWarning } from '@conductor/sdk/sqlite-warning';
import { startOrigin } from './server.ts';

// `npm start` (and anyone by hand) runs the example origin through this entry; config comes from env only.
const EnvSchema = z.object({
  ORIGIN_PORT: z.coerce.number().int().min(0).max(65_535).default(8789),
  ORIGIN_HOST: z.string().default('127.0.0.1'),
  CONTROL_PLANE_URL: z.url().default('http://127.0.0.1:8788'),
  EDGE_URL: z.url().default('http://127.0.0.1:8787'),
  PURGE_SIGNING_SECRET: PurgeSecretSchema.optional(),
  ORIGIN_LATENCY_MS: z.coerce.number().int().min(0).default(30),
  ORIGIN_CONCURRENCY_LIMIT: z.coerce.number().int().min(1).optional(),
  /** The purge outbox file lives here; default `<CONDUCTOR_DATA_DIR>/origin`. */
  ORIGIN_DATA_DIR: z.string().min(1).optional(),
  ORIGIN_PURGE_WAIT_MS: z.coerce.number().int().min(0).default(2_000),
  /** Between signed purge-backlog reports to CONTROL_PLANE_URL (the outbox's pending and refused purges per tenant). */
  ORIGIN_BACKLOG_REPORT_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** The `documents` corpus: its seed and documents per tenant (defaults in src/corpus/generate.ts). */
  ORIGIN_CORPUS_SEED: z.coerce.number().int().min(0).max(0xffff_ffff).optional(),
  ORIGIN_CORPUS_DOCUMENTS: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

// The purge outbox loads node:sqlite; its ExperimentalWarning is known. Every other warning still prints.
silenceSqliteExperimentalWarning();

const parsed = EnvSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`origin: invalid environment\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;
const purgeSecret = env.PURGE_SIGNING_SECRET ?? (await ensureDevSecrets()).purgeSecret;

const origin = await startOrigin({
  port: env.ORIGIN_PORT,
  host: env.ORIGIN_HOST,
  jwksUrl: new URL('/.well-known/jwks.json', env.CONTROL_PLANE_URL).toString(),
  edgeUrl: env.EDGE_URL,
  purgeSecret,
  latencyMs: env.ORIGIN_LATENCY_MS,
  concurrencyLimit: env.ORIGIN_CONCURRENCY_LIMIT,
  dataDir: env.ORIGIN_DATA_DIR ?? join(defaultDataDir(), 'origin'),
  purgeWaitMs: env.ORIGIN_PURGE_WAIT_MS,
  controlPlaneUrl: env.CONTROL_PLANE_URL,
  backlogReportIntervalMs: env.ORIGIN_BACKLOG_REPORT_MS,
  corpus: { seed: env.ORIGIN_CORPUS_SEED, total: env.ORIGIN_CORPUS_DOCUMENTS },
});
console.log(`origin listening on ${origin.url}/graphql (latency ${env.ORIGIN_LATENCY_MS} ms, purges to ${env.EDGE_URL})`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`origin: ${signal}, closing`);
  await origin.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
