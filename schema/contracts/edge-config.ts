import { z } from 'zod';

/** `tenant`: one entry per tenant; `user`: the key also carries the token subject (per-user data). */
export const CacheScopeSchema = z.enum(['tenant', 'user']);
export type CacheScope = z.infer<typeof CacheScopeSchema>;

/**
 * A vars_selector maps each variable of the affected (read) operation to where its value comes
 * from in the mutation's arguments: a path `$.a.b`, or a list of paths (any of them), e.g.
 * `{"entityId": ["$.from", "$.to"]}`. `null` or `{}` means "every cached variant of the operation".
 */
export const SelectorPathSchema = z.string().regex(/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'selector paths look like $.arg or $.input.id');
export const VarsSelectorSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([SelectorPathSchema, z.array(SelectorPathSchema).min(1)]))
  .nullable();
export type VarsSelector = z.infer<typeof VarsSelectorSchema>;

export const EdgeOperationSchema = z.object({
  /** `sha256:<hex>` of the document text. */
  id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  name: z.string(),
  document: z.string(),
  operationType: z.enum(['query', 'mutation', 'subscription']),
  ttlSeconds: z.number().int().min(0),
  /** After the TTL, serve the stale entry for this long while one background fetch refreshes it. */
  staleWhileRevalidateSeconds: z.number().int().min(0),
  /** After the TTL, serve the stale entry for this long when the origin answers 5xx or times out. */
  staleIfErrorSeconds: z.number().int().min(0),
  /** Emergency switch: false makes every request for this operation BYPASS the cache. */
  cachingEnabled: z.boolean(),
  scope: CacheScopeSchema,
  /** Variable names the document declares, in declaration order. */
  variables: z.array(z.string()),
});
export type EdgeOperation = z.infer<typeof EdgeOperationSchema>;

export const EdgeInvalidationSchema = z.object({
  /** Root mutation field name, e.g. `updateEntity`; its arguments feed the selector. */
  mutationOp: z.string(),
  /** Name of the affected safelisted operation (all of its document versions). */
  affectedOp: z.string(),
  varsSelector: VarsSelectorSchema,
});
export type EdgeInvalidation = z.infer<typeof EdgeInvalidationSchema>;

export const EdgeTenantSchema = z.object({
  id: z.string(),
  /** Strict tenants may only run safelisted operations. */
  strictSafelist: z.boolean(),
});

/**
 * Served by GET /v1/edge/config (ETag = quoted `version`); pulled by every edge isolate. The edge
 * validates it with a zod/mini mirror (workers/edge/src/contracts/, docs/adr/0012) whose parity
 * test fails when the two differ: change both.
 */
export const EdgeConfigSchema = z.object({
  version: z.string(),
  generatedAt: z.string(),
  /** Emergency switch for every operation of every tenant: false means BYPASS everything. */
  cachingEnabled: z.boolean(),
  tenants: z.array(EdgeTenantSchema),
  safelist: z.array(EdgeOperationSchema),
  invalidationMap: z.array(EdgeInvalidationSchema),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;
