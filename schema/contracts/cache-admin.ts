import { z } from 'zod';
import { CacheScopeSchema, EdgeOperationSchema, VarsSelectorSchema } from './edge-config.ts';
import { PurgeReceiptSchema, PurgeRequestSchema } from './purge.ts';

/** GraphQL names: operation names and root field names. */
export const GraphqlNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a GraphQL name');

/** A safelisted operation as /v1/safelist returns it: what the edge sees, plus timestamps. */
export const SafelistEntrySchema = EdgeOperationSchema.extend({ createdAt: z.string(), updatedAt: z.string() });
export type SafelistEntry = z.infer<typeof SafelistEntrySchema>;

/** Accepts `sha256:<hex>` (persisted documents) and bare hex (Apollo manifests, APQ). */
export const OperationIdSchema = z.string().regex(/^(sha256:)?[0-9a-f]{64}$/, 'sha256:<64 hex> or 64 hex');

const DocumentSchema = z.string().min(1).max(100_000);

/**
 * POST /v1/safelist. The id is computed by the server from `document`; a client-sent id is
 * only checked against it. `name` is needed only for an anonymous operation; a document holds exactly one operation.
 */
export const CreateOperationSchema = z
  .object({
    document: DocumentSchema,
    name: GraphqlNameSchema.optional(),
    id: OperationIdSchema.optional(),
    ttlSeconds: z.number().int().min(0).max(31_536_000),
    scope: CacheScopeSchema.default('tenant'),
  })
  .strict();
export type CreateOperation = z.infer<typeof CreateOperationSchema>;

export const UpdateOperationSchema = z
  .object({
    name: GraphqlNameSchema.optional(),
    ttlSeconds: z.number().int().min(0).max(31_536_000).optional(),
    scope: CacheScopeSchema.optional(),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.ttlSeconds !== undefined || p.scope !== undefined, 'give at least one of name, ttlSeconds, scope');
export type UpdateOperation = z.infer<typeof UpdateOperationSchema>;

const CachePolicySchema = z
  .object({
    ttlSeconds: z.number().int().min(0).max(31_536_000).optional(),
    scope: CacheScopeSchema.optional(),
  })
  .strict();

/**
 * POST /v1/safelist/manifest: Apollo's persisted-query manifest (as written by
 * `generate-persisted-query-manifest`) plus optional cache policy: `ttlSeconds`/`scope`
 * defaults and per-operation-name `overrides`. Operations without a policy keep their current
 * TTL and scope, so republishing from CI does not undo what an admin tuned; new ones start
 * uncached (TTL 0) and tenant-scoped.
 */
export const OperationManifestSchema = z
  .object({
    format: z.literal('apollo-persisted-query-manifest'),
    version: z.literal(1),
    operations: z
      .array(
        z.object({
          id: OperationIdSchema,
          name: GraphqlNameSchema,
          type: EdgeOperationSchema.shape.operationType,
          body: DocumentSchema,
        }),
      )
      .max(5_000),
    overrides: z.record(GraphqlNameSchema, CachePolicySchema).optional(),
  })
  .extend(CachePolicySchema.shape);
export type OperationManifest = z.infer<typeof OperationManifestSchema>;

export const PublishResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});
export type PublishResult = z.infer<typeof PublishResultSchema>;

/** PUT /v1/invalidation-map/{mutationOp}/{affectedOp}. */
export const PutInvalidationSchema = z.object({ varsSelector: VarsSelectorSchema }).strict();

/** One row of GET /v1/purges. */
export const PurgeEventSchema = z.object({
  purgeId: z.string(),
  tenant: z.string(),
  request: PurgeRequestSchema,
  receipt: PurgeReceiptSchema.nullable(),
  status: z.enum(['applied', 'duplicate', 'failed']),
  error: z.string().nullable(),
  actor: z.string(),
  createdAt: z.string(),
});
export type PurgeEvent = z.infer<typeof PurgeEventSchema>;
