import { z } from 'zod';

/** What the edge did with a request; `x-cache` carries the same value. */
export const CacheStatusSchema = z.enum(['HIT', 'MISS', 'BYPASS', 'STALE', 'COALESCED']);
export type CacheStatus = z.infer<typeof CacheStatusSchema>;

/** Wire form of a `Histogram` (see latency-histogram.ts): sparse integer bucket index → count. */
export const HistogramSchema = z.object({
  count: z.number().int().min(0),
  sumMs: z.number().min(0),
  buckets: z.record(z.string().regex(/^-?\d{1,5}$/), z.number().int().positive()),
});

/**
 * One minute of one (tenant, operation, cache status) at one edge isolate. The edge aggregates
 * per-request observations into these before shipping, so a batch is bounded by the number of
 * distinct series, not by traffic.
 */
export const EdgeMetricSeriesSchema = z.object({
  /** Start of the minute, epoch milliseconds, a multiple of 60 000. */
  minute: z.number().int().refine((m) => m % 60_000 === 0, 'minute must be a multiple of 60000'),
  tenant: z.string().min(1),
  /** `sha256:<hex>` persisted document id, or `unknown` for requests that never resolved one. */
  opId: z.string().min(1).max(80),
  opName: z.string().max(200),
  status: CacheStatusSchema,
  /** Response body bytes sent to clients. */
  bytes: z.number().int().min(0),
  /** Total latency at the edge, request in → response out. Its count is the request count. */
  total: HistogramSchema,
  /** Origin fetch latency, for the requests of this series that went to the origin. */
  origin: HistogramSchema.nullable(),
});
export type EdgeMetricSeries = z.infer<typeof EdgeMetricSeriesSchema>;

/**
 * An invalidation the edge applied: a purge through the hook (or a retry it recognised), or a
 * mutation that passed through the edge (`purgeId` `edge-mutation:…`). The control plane keeps
 * these as receipts.
 */
export const EdgePurgeAckSchema = z.object({
  purgeId: z.string().min(1).max(128),
  tenant: z.string().min(1),
  /** Tags bumped, as in the receipt (`*`, `op:sha256:…`, `op:sha256:…|id=5`); reports derive per-op invalidations from them. */
  tags: z.array(z.string()).max(1000),
  duplicate: z.boolean(),
  appliedAt: z.string(),
});
export type EdgePurgeAck = z.infer<typeof EdgePurgeAckSchema>;

/** POST /v1/metrics/edge (edge service token). `batchId` makes a retried batch count once. */
export const EdgeMetricsBatchSchema = z.object({
  batchId: z.string().uuid(),
  sentAt: z.string(),
  series: z.array(EdgeMetricSeriesSchema).max(10_000),
  purges: z.array(EdgePurgeAckSchema).max(10_000).default([]),
  /** Purge hook requests refused (bad signature, unknown tenant…) or failed, per tenant. */
  purgeFailures: z.array(z.object({ tenant: z.string(), count: z.number().int().positive() })).max(10_000).default([]),
});
export type EdgeMetricsBatch = z.infer<typeof EdgeMetricsBatchSchema>;
