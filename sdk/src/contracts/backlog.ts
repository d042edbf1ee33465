import { z } from 'zod';

/**
 * POST /v1/metrics/outbox-backlog on the control plane: what a durable purge outbox still holds,
 * per tenant. Signed like the purge webhook (`x-conductor-signature: t=<unix>,v1=<HMAC-SHA256 of
 * "t.body">`, 5-minute window) with the purge signing secret: whoever may purge a tenant's cache
 * may report that tenant's stuck purges. A report replaces the previous one of the same `source`.
 */
export const OUTBOX_BACKLOG_PATH = '/v1/metrics/outbox-backlog';

export const OutboxTenantBacklogSchema = z
  .object({
    tenant: z.string().min(1).max(128),
    /** Purges waiting for the edge. */
    pending: z.number().int().min(0),
    /** Age of the oldest of them, whole seconds; 0 when none. */
    oldestPendingAgeSeconds: z.number().int().min(0),
    /** Purges the edge refused for good (4xx), still kept in the outbox for an operator. */
    failed: z.number().int().min(0),
  })
  .strict();
export type OutboxTenantBacklog = z.infer<typeof OutboxTenantBacklogSchema>;

export const OutboxBacklogReportSchema = z
  .object({
    /** Unique per report: the control plane refuses a report id it has already stored. */
    reportId: z.uuid(),
    /** Which outbox reports (an origin instance): stable across restarts, so a restart replaces its own last report. */
    source: z.string().min(1).max(200),
    tenants: z
      .array(OutboxTenantBacklogSchema)
      .max(2_000)
      .refine((rows) => new Set(rows.map((r) => r.tenant)).size === rows.length, 'each tenant at most once'),
  })
  .strict();
export type OutboxBacklogReport = z.infer<typeof OutboxBacklogReportSchema>;

/** The control plane's answer to an accepted report. */
export const OutboxBacklogAcceptedSchema = z.object({ accepted: z.literal(true), source: z.string(), signedAt: z.string() });
export type OutboxBacklogAccepted = z.infer<typeof OutboxBacklogAcceptedSchema>;
