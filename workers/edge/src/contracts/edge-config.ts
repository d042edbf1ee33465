import * as z from 'zod/mini';
import './zod-english.ts';

/**
 * GET /v1/edge/config as the edge validates it: `EdgeConfigSchema` of
 * @conductor/schema/contracts/edge-config in zod/mini (docs/adr/0012). parity.test.ts pins the
 * two to the same JSON Schema.
 */
const SelectorPath = z.string().check(z.regex(/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'selector paths look like $.arg or $.input.id'));

const EdgeOperation = z.object({
  id: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
  name: z.string(),
  document: z.string(),
  operationType: z.enum(['query', 'mutation', 'subscription']),
  ttlSeconds: z.int().check(z.minimum(0)),
  staleWhileRevalidateSeconds: z.int().check(z.minimum(0)),
  staleIfErrorSeconds: z.int().check(z.minimum(0)),
  cachingEnabled: z.boolean(),
  scope: z.enum(['tenant', 'user']),
  variables: z.array(z.string()),
});

const EdgeInvalidation = z.object({
  mutationOp: z.string(),
  affectedOp: z.string(),
  varsSelector: z.nullable(
    z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/)), z.union([SelectorPath, z.array(SelectorPath).check(z.minLength(1))])),
  ),
});

export const EdgeConfigSchema = z.object({
  version: z.string(),
  generatedAt: z.string(),
  cachingEnabled: z.boolean(),
  tenants: z.array(z.object({ id: z.string(), strictSafelist: z.boolean() })),
  safelist: z.array(EdgeOperation),
  invalidationMap: z.array(EdgeInvalidation),
});
