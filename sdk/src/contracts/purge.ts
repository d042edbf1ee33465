import { z } from 'zod';
import { parsePurgeCommandWith } from './purge-command.ts';

/**
 * Body of POST /__edge/purge (the HMAC-signed hook) and of POST /v1/purge (admin, JWT).
 * Exactly one target form; `purgeId` makes retries idempotent (the hook requires it).
 * The edge checks it with a zod/mini mirror pinned to this one by a parity test: change both.
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

const DRY_RUN = { dryRun: z.literal(true) };
const [byMutation, byVariant, byOperation, byTenant] = PurgeRequestSchema.options;

/**
 * A dry run: the same target forms with `dryRun: true`. It changes nothing, so it has no
 * `purgeId` (one would suggest an idempotency ledger entry, and there is none to make).
 */
export const PurgeDryRunRequestSchema = z.union([
  byMutation.omit({ purgeId: true }).extend(DRY_RUN).strict(),
  byVariant.omit({ purgeId: true }).extend(DRY_RUN).strict(),
  byOperation.omit({ purgeId: true }).extend(DRY_RUN).strict(),
  byTenant.omit({ purgeId: true }).extend(DRY_RUN).strict(),
]);
export type PurgeDryRunRequest = z.infer<typeof PurgeDryRunRequestSchema>;

/** Either a purge or its dry run: what POST /__edge/purge and POST /v1/purge accept. */
export const PurgeCommandSchema = z.union([PurgeRequestSchema, PurgeDryRunRequestSchema]);
export type PurgeCommand = z.infer<typeof PurgeCommandSchema>;

/** Parses a purge or its dry run with the schemas above (parsePurgeCommandWith says how). */
export function parsePurgeCommand(json: unknown): ReturnType<typeof parsePurgeCommandWith<PurgeRequest, PurgeDryRunRequest>> {
  return parsePurgeCommandWith<PurgeRequest, PurgeDryRunRequest>({ purge: PurgeRequestSchema.options, dryRun: PurgeDryRunRequestSchema.options }, json);
}

/**
 * What a dry run answers: what the purge would bump, which operations it would reach, and how
 * many live cache entries it would make unreachable (docs/adr/0009-purge-dry-run-live-entries.md
 * says exactly what that number counts). Nothing is bumped or recorded.
 */
export const PurgeDryRunSchema = z.object({
  dryRun: z.literal(true),
  tenant: z.string(),
  /** Tags the purge would bump. */
  tags: z.array(z.string()),
  /** Current generation of each tag (unchanged by the dry run; a purge would bump each by one). */
  generations: z.record(z.string(), z.number().int()),
  /** Safelisted queries whose entries the tags reach; `name` is null for an id no longer in the safelist. */
  operations: z.array(z.object({ id: z.string(), name: z.string().nullable(), liveEntries: z.number().int().nonnegative() })),
  /** Entries recorded at fill time, under the tags' current generations, not yet past their retention, on every POP. */
  liveEntries: z.number().int().nonnegative(),
  /**
   * False while fills went unrecorded because the tenant's tracking limit was reached and one of
   * them could still be live: `liveEntries` is then a lower bound.
   */
  liveEntriesComplete: z.boolean(),
  evaluatedAt: z.string(),
});
export type PurgeDryRun = z.infer<typeof PurgeDryRunSchema>;
