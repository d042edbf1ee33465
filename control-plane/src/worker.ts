import { Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { JWK } from 'jose';
import { z } from 'zod';
import * as schema from '@conductor/schema';
import { PurgeSecretSchema } from '@conductor/sdk';
import policies from '@conductor/policies/conductor.cedar';
import policySchema from '@conductor/policies/schema.cedarschema';
import { createApp } from './app.ts';
import { installPolicySource } from './auth/cedar.ts';

/**
 * The control plane as a Cloudflare Worker (control-plane/wrangler.toml): the same app as on Node,
 * on Neon only. Secrets come from `wrangler secret put` (see the toml). Migrations are NOT applied
 * here — a Worker must not race its own isolates on DDL — so run them out of band before deploying:
 * `DATABASE_URL=… npx drizzle-kit migrate` (schema/migrations, the files the Node entry applies).
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
});

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

installPolicySource({ policies, schema: policySchema });

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const parsed = WorkerEnvSchema.safeParse(env);
    if (!parsed.success) {
      // Fail fast and loudly: a misconfigured deployment must not half-work.
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      console.error(`control plane misconfigured: ${problems}`);
      return Response.json({ error: { code: 'INTERNAL', message: 'control plane misconfigured' } }, { status: 500 });
    }
    const config = parsed.data;
    // Workers cannot keep a WebSocket across requests, so each request gets its own pool (Neon's guidance).
    const pool = new Pool({ connectionString: config.DATABASE_URL });
    const db = drizzle({ client: pool, schema, casing: 'snake_case' });
    const app = createApp({
      db,
      publicJwks: config.JWT_PUBLIC_JWKS,
      purgeSecret: config.PURGE_SIGNING_SECRET,
      edgeUrl: config.EDGE_URL,
      fetch: (input, init) => fetch(input, init),
    });
    try {
      return await app.fetch(request);
    } finally {
      ctx.waitUntil(pool.end());
    }
  },
};
