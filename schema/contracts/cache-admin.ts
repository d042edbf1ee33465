import { z } from 'zod';
import { CacheScopeSchema, EdgeOperationSchema, VarsSelectorSchema } from './edge-config.ts';
import { PurgeReceiptSchema, PurgeRequestSchema } from '@conductor/sdk';

/** GraphQL names: operation names and root field names. */
export const GraphqlNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a GraphQL name');

/** A safelisted operation as /v1/safelist returns it: what the edge sees, plus timestamps. */
export const SafelistEntrySchema = EdgeOperationSchema.extend({ createdAt: z.string(), updatedAt: z.string() });
export type SafelistEntry = z.infer<typeof SafelistEntrySchema>;

/** Accepts `sha256:<hex>` (persisted documents) and bare hex (Apollo manifests, APQ). */
export const OperationIdSchema = z.string().regex(/^(sha256:)?[0-9a-f]{64}$/, 'sha256:<64 hex> or 64 hex');

const DocumentSchema = z.string().min(1).max(100_000);

/** Cache lifetimes are whole seconds, at most a year. */
const SecondsSchema = z.number().int().min(0).max(31_536_000);

/**
 * POST /v1/safelist. The id is computed by the server from `document`; a client-sent id is
 * only checked against it. `name` is needed only for an anonymous operation; a document holds exactly one operation.
 */
export const CreateOperationSchema = z
  .object({
    document: DocumentSchema,
    name: GraphqlNameSchema.optional(),
    id: OperationIdSchema.optional(),
    ttlSeconds: SecondsSchema,
    staleWhileRevalidateSeconds: SecondsSchema.default(0),
    staleIfErrorSeconds: SecondsSchema.default(0),
    scope: CacheScopeSchema.default('tenant'),
  })
  .strict();
export type CreateOperation = z.infer<typeof CreateOperationSchema>;

export const UpdateOperationSchema = z
  .object({
    name: GraphqlNameSchema.optional(),
    ttlSeconds: SecondsSchema.optional(),
    staleWhileRevalidateSeconds: SecondsSchema.optional(),
    staleIfErrorSeconds: SecondsSchema.optional(),
    scope: CacheScopeSchema.optional(),
  })
  .strict()
  .refine(
    (p) => Object.values(p).some((v) => v !== undefined),
    'give at least one of name, ttlSeconds, staleWhileRevalidateSeconds, staleIfErrorSeconds, scope',
  );
export type UpdateOperation = z.infer<typeof UpdateOperationSchema>;

const CachePolicySchema = z
  .object({
    ttlSeconds: SecondsSchema.optional(),
    staleWhileRevalidateSeconds: SecondsSchema.optional(),
    staleIfErrorSeconds: SecondsSchema.optional(),
    scope: CacheScopeSchema.optional(),
  })
  .strict();

/**
 * POST /v1/safelist/manifest: Apollo's persisted-query manifest (as written by
 * `generate-persisted-query-manifest`) plus optional cache policy: `ttlSeconds`,
 * `staleWhileRevalidateSeconds`, `staleIfErrorSeconds` and `scope` defaults and per-operation-name
 * `overrides`. Fields a policy leaves out keep their current value, so republishing from CI does
 * not undo what an admin tuned; new ones start uncached (TTL 0, no stale windows) and tenant-scoped.
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

/** PUT /v1/cache/controls/caching and PUT /v1/cache/controls/operations/{name}/caching. */
export const CachingSwitchSchema = z.object({ enabled: z.boolean() }).strict();
export type CachingSwitch = z.infer<typeof CachingSwitchSchema>;

/** GET /v1/cache/controls: the emergency switches the edge applies (through its config pull). */
export const CacheControlsSchema = z.object({
  /** false: every operation of every tenant BYPASSes the cache. */
  cachingEnabled: z.boolean(),
  /** Last change of the global switch; null while it was never set. */
  updatedAt: z.string().nullable(),
  /** One row per safelisted name; the switch covers every document version of the name. */
  operations: z.array(
    z.object({
      name: GraphqlNameSchema,
      cachingEnabled: z.boolean(),
      versions: z.array(z.string()),
    }),
  ),
});
export type CacheControls = z.infer<typeof CacheControlsSchema>;

/** One operation name in GET /v1/cache/ttl-recommendations. */
export const TtlRecommendationSchema = z.object({
  name: GraphqlNameSchema,
  /** Document ids of the name; observed data of all of them is pooled. */
  versions: z.array(z.string()),
  /** null when the versions disagree (someone patched one by id); accepting sets them all. */
  currentTtlSeconds: z.number().int().nullable(),
  /** null when there is no recommendation (see `reason`). */
  recommendedTtlSeconds: z.number().int().nullable(),
  /** Hit ratio observed over the window, and predicted by the model at the current and recommended TTL. */
  hitRatio: z.object({
    observed: z.number().nullable(),
    predictedAtCurrent: z.number().nullable(),
    predictedAtRecommended: z.number().nullable(),
    /** Limit as TTL → ∞: invalidations alone end entries. */
    attainable: z.number().nullable(),
  }),
  inputs: z.object({
    /** Observations start here: the window start, or the operation's last change if later. */
    observedFrom: z.string(),
    windowSeconds: z.number(),
    /** Cacheable requests (HIT/STALE/COALESCED/MISS) observed, and of those, hits (HIT/STALE/COALESCED). */
    requests: z.number().int(),
    hits: z.number().int(),
    /** Cacheable requests per second observed, all tenants and versions. */
    requestRate: z.number(),
    /** Per-key request rate λ (1/s) the model infers from the observed hit ratio. */
    lambdaPerKey: z.number().nullable(),
    /** Invalidations per second that end this operation's entries (whole-op and tenant-wide). */
    mu: z.number(),
    invalidations: z.number().int(),
  }),
  /** Why this recommendation (or why none): the rule and the numbers that decided it. */
  reason: z.string(),
  /** Whether every cached variant of the name is covered by the invalidation map (a longer TTL is then safe). */
  coveredByInvalidationMap: z.boolean(),
});
export type TtlRecommendation = z.infer<typeof TtlRecommendationSchema>;

/** GET /v1/cache/ttl-recommendations. */
export const TtlRecommendationsSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The rule's parameters: bounds, minimum data, share of the attainable hit ratio to reach. */
  rule: z.object({ minTtlSeconds: z.number().int(), maxTtlSeconds: z.number().int(), minRequests: z.number().int(), targetFraction: z.number() }),
  operations: z.array(TtlRecommendationSchema),
});
export type TtlRecommendations = z.infer<typeof TtlRecommendationsSchema>;

/** POST /v1/cache/ttl-recommendations/{opName}/accept: only the current recommendation can be accepted. */
export const AcceptTtlSchema = z.object({ ttlSeconds: SecondsSchema }).strict();

export const AcceptTtlResultSchema = z.object({
  name: GraphqlNameSchema,
  ttlSeconds: z.number().int(),
  /** Versions whose TTL this call changed (empty: it was already in place, nothing written). */
  updated: z.array(z.string()),
  recommendation: TtlRecommendationSchema,
});
export type AcceptTtlResult = z.infer<typeof AcceptTtlResultSchema>;
