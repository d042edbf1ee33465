import type { OutboxTenantBacklog } from '@conductor/sdk';
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { oneOf } from './checks.ts';
import type { CacheStatus } from './contracts/metrics.ts';

/*
 * Edge traffic metrics, pushed by the edge in EdgeMetricsBatch form (schema/contracts/metrics.ts)
 * to POST /v1/metrics/edge and read by reports, /metrics, alerts, TTL tuning and what-if queries.
 *
 * `tenant_id` is whatever the edge reported and deliberately carries no foreign key to `tenants`:
 * the edge may still be flushing traffic of a tenant the control plane just deleted (its config
 * pull lags by seconds), and a deleted tenant's history must neither block ingest nor vanish
 * before retention prunes it. Readers join to `tenants` when they need a live tenant.
 *
 * Counts are bigint (mode 'number': a minute's count fits 2^53 many times over); rows are only
 * ever grown by `on conflict … do update set x = t.x + excluded.x`, so edge isolates and retried
 * batches merge by addition, exactly like the histograms they carry.
 */

const CACHE_STATUSES = ['HIT', 'MISS', 'BYPASS', 'STALE', 'COALESCED'] as const satisfies readonly CacheStatus[];
const LATENCY_SERIES = ['total', 'origin'] as const;
export type LatencySeries = (typeof LATENCY_SERIES)[number];

/** One minute × tenant × operation × cache status, summed over every edge isolate. */
export const edgeMetricMinutes = pgTable(
  'edge_metric_minutes',
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    tenantId: text().notNull(),
    /** `sha256:<hex>` persisted document id, or `unknown`. */
    opId: text().notNull(),
    status: text({ enum: CACHE_STATUSES }).notNull(),
    /** Last name the edge reported for the op id (names are labels, ids are identity). */
    opName: text().notNull(),
    requests: bigint({ mode: 'number' }).notNull(),
    bytes: bigint({ mode: 'number' }).notNull(),
    /** Sum of total edge latency (ms) over `requests`, for means. */
    totalSumMs: doublePrecision().notNull(),
    /** Requests of this series that fetched from the origin, and the sum of those fetch times. */
    originCount: bigint({ mode: 'number' }).notNull(),
    originSumMs: doublePrecision().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.minute, t.tenantId, t.opId, t.status] }),
    index().on(t.opId, t.minute),
    index().on(t.tenantId, t.minute),
    check('edge_metric_minutes_status_check', oneOf(t.status, CACHE_STATUSES)),
  ],
);

/** Log-bucket counts (schema/contracts/latency-histogram.ts) of the series above; sparse. */
export const edgeLatencyBuckets = pgTable(
  'edge_latency_buckets',
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    tenantId: text().notNull(),
    opId: text().notNull(),
    status: text({ enum: CACHE_STATUSES }).notNull(),
    /** `total`: request in → response out at the edge; `origin`: the origin fetch alone. */
    series: text({ enum: LATENCY_SERIES }).notNull(),
    bucket: integer().notNull(),
    count: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.minute, t.tenantId, t.opId, t.status, t.series, t.bucket] }),
    check('edge_latency_buckets_status_check', oneOf(t.status, CACHE_STATUSES)),
    check('edge_latency_buckets_series_check', oneOf(t.series, LATENCY_SERIES)),
  ],
);

/** Batch ids already counted: a retried batch is acknowledged but never added twice. */
export const edgeMetricBatches = pgTable('edge_metric_batches', {
  batchId: text().primaryKey(),
  receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Invalidations the edge reports as applied (purge hook or pass-through mutation); first report wins. */
export const purgeReceipts = pgTable(
  'purge_receipts',
  {
    purgeId: text().primaryKey(),
    tenantId: text().notNull(),
    /** Tags bumped: `*`, `op:sha256:…`, `op:sha256:…|field=value`. */
    tags: jsonb().$type<string[]>().notNull(),
    duplicate: boolean().notNull(),
    appliedAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.tenantId, t.appliedAt)],
);

/** Purge hook requests the edge refused or failed, per minute of receipt by the control plane. */
export const purgeFailureMinutes = pgTable(
  'purge_failure_minutes',
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    tenantId: text().notNull(),
    count: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.minute, t.tenantId] })],
);

/**
 * The latest signed backlog report of each origin purge outbox (sdk/src/purge/backlog-report.ts):
 * per tenant, purges waiting for the edge and purges the edge refused for good. `source` names the
 * outbox; a newer report replaces the older one whole. `signedAt` is the signature's timestamp,
 * which with `reportId` is what refuses a replayed report (docs/adr/0010).
 */
export const outboxBacklogReports = pgTable('outbox_backlog_reports', {
  source: text().primaryKey(),
  reportId: text().notNull(),
  signedAt: timestamp({ withTimezone: true }).notNull(),
  receivedAt: timestamp({ withTimezone: true }).notNull(),
  tenants: jsonb().$type<OutboxTenantBacklog[]>().notNull(),
});
