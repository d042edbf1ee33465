import { z } from 'zod';

/**
 * Body of POST /__edge/purge (the HMAC-signed hook) and of POST /v1/purge (admin, JWT).
 * Exactly one target form; `purgeId` makes retries idempotent (the hook requires it).
 */
const base = {
  purgeId: z.string().min(8).max(128).optional(),
  tenant: z.string().min(1),
};
export const PurgeRequestSchema = z.union([
  z.object({ ...base, mutation: z.object({ op: z.string().min(1), variables: z.record(z.string(), z.unknown()).default({}) }) }).strict(),
  z.object({ ...base, opId: z.string().min(1), varsHash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  z.object({ ...base, opId: z.string().min(1) }).strict(),
  z.object({ ...base, all: z.literal(true) }).strict(),
]);
export type PurgeRequest = z.infer<typeof PurgeRequestSchema>;

/** What the edge answers once the generations are durably bumped. */
export const PurgeReceiptSchema = z.object({
  purgeId: z.string(),
  tenant: z.string(),
  /** Tags whose generation was bumped, e.g. `*`, `op:sha256:…`, `op:sha256:…|id=5`. */
  tags: z.array(z.string()),
  /** New generation value per tag. */
  generations: z.record(z.string(), z.number().int()),
  /** True when this purgeId had been applied before: nothing was bumped again. */
  duplicate: z.boolean(),
  appliedAt: z.string(),
});
export type PurgeReceipt = z.infer<typeof PurgeReceiptSchema>;
