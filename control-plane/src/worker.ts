import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { JWK } from 'jose';
import { z } from 'zod';
import * as schema from '@conductor/schema';
import { PurgeSecretSchema } from '@conductor/sdk';
import policies from '@conductor/policies/conductor.cedar';
import policySchema from '@conductor/policies/schema.cedarschema';
import { createApp } from './app.ts';
import { installPolicySource } from './auth/cedar.ts';
import { MetricsRetentionDaysSchema } from './config.ts';
import type { Db } from './db/client.ts';
import { r2BlobStore, type R2BucketBinding } from './exports/blobs/r2.ts';
import { backgroundJobs } from './scheduler/registry.ts';
import { runDueJobs } from './scheduler/runner.ts';

/**
 * The control plane as a Cloudflare Worker (control-plane/wrangler.toml): the same app as on Node,
 * on Neon only. Secrets come from `wrangler secret put` (see the toml). Migrations are NOT applied
 * here — a Worker must not race its own isolates on DDL — so run them out of band before deploying:
 * `DATABASE_URL=… npx drizzle-kit migrate` (schema/migrations, the files the Node entry applies).
 *
 * Background jobs run from the Cron Trigger (`scheduled`, once a minute): the same registry and
 * runner as the Node timer (docs/adr/0010).
 */
const WorkerEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  JWT_PUBLIC_JWKS: z.string().transform((text, ctx) => {
    try {
      const parsed = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).parse(JSON.parse(text));
      return parsed.keys as JWK[];
    } catch {
      ctx.addIssue({ code: 'custom', message: 'JWT_PUBLIC_JWKS must be a JWKS JSON document with at least one key' });
      return z.NEVER;
    }
  }),
  PURGE_SIGNING_SECRET: PurgeSecretSchema,
  EDGE_URL: z.url({ protocol: /^https?$/ }),
  METRICS_RETENTION_DAYS: MetricsRetentionDaysSchema,
  /** The R2 bucket of export chunks (wrangler.toml `[[r2_buckets]]`), the blob store `r2BlobStore` wraps. */
  EXPORTS: z.custom<R2BucketBinding>(
    (value) => typeof value === 'object' && value !== null && ['get', 'put', 'head', 'delete', 'list'].every((m) => typeof (value as Record<string, unknown>)[m] === 'function'),
    'EXPORTS must be an R2 bucket binding ([[r2_buckets]] in control-plane/wrangler.toml)',
  ),
  /**
   * Local development and tests only: `host:port` of a WebSocket→TCP relay on loopback
   * (control-plane/src/db/ws-relay.ts) in front of a database without Neon's own proxy. Unset in
   * production, where the Neon driver talks TLS to Neon's proxy.
   */
  DATABASE_WS_PROXY: z
    .string()
    .regex(/^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/, 'DATABASE_WS_PROXY must be a loopback host:port')
    .optional(),
});
type WorkerConfig = z.infer<typeof WorkerEnvSchema>;

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

interface ScheduledController {
  scheduledTime: number;
  cron: string;
}

installPolicySource({ policies, schema: policySchema });

function parseEnv(env: Record<string, unknown>): { ok: true; config: WorkerConfig } | { ok: false; problems: string } {
  const parsed = WorkerEnvSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

// Workers cannot keep a WebSocket across requests, so each request (and each cron run) gets its own pool (Neon's guidance).
function openPool(config: WorkerConfig, max?: number): { db: Db; pool: Pool } {
  if (config.DATABASE_WS_PROXY) {
    const proxy = config.DATABASE_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: config.DATABASE_URL, ...(max ? { max } : {}) });
  return { db: drizzle({ client: pool, schema, casing: 'snake_case' }), pool };
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const parsed = parseEnv(env);
    if (!parsed.ok) {
      // Fail fast and loudly: a misconfigured deployment must not half-work.
      console.error(`control plane misconfigured: ${parsed.problems}`);
      return Response.json({ error: { code: 'INTERNAL', message: 'control plane misconfigured' } }, { status: 500 });
    }
    const { config } = parsed;
    const { db, pool } = openPool(config);
    const app = createApp({
      db,
      publicJwks: config.JWT_PUBLIC_JWKS,
      purgeSecret: config.PURGE_SIGNING_SECRET,
      edgeUrl: config.EDGE_URL,
      fetch: (input, init) => fetch(input, init),
      exportBlobs: r2BlobStore(config.EXPORTS),
    });
    try {
      return await app.fetch(request);
    } finally {
      ctx.waitUntil(pool.end());
    }
  },

  /** Cron Trigger (wrangler.toml `[triggers]`): runs whatever background job is due at the trigger's time. */
  async scheduled(controller: ScheduledController, env: Record<string, unknown>): Promise<void> {
    const parsed = parseEnv(env);
    if (!parsed.ok) throw new Error(`control plane misconfigured: ${parsed.problems}`);
    const { config } = parsed;
    // Jobs run one after another: one connection is all a run needs.
    const { db, pool } = openPool(config, 1);
    try {
      const outcomes = await runDueJobs(db, backgroundJobs({ metricsRetentionDays: config.METRICS_RETENTION_DAYS }), new Date(controller.scheduledTime));
      for (const o of outcomes) if (o.outcome !== 'skipped') console.log(`[scheduler] ${o.name}: ${o.outcome}`);
    } finally {
      await pool.end();
    }
  },
};
