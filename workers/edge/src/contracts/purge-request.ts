import * as z from 'zod/mini';
import './zod-english.ts';

/**
 * The purge hook's bodies as the edge validates them: `PurgeRequestSchema` and
 * `PurgeDryRunRequestSchema` of @conductor/sdk in zod/mini (docs/adr/0012). parity.test.ts pins
 * each pair to the same JSON Schema. The forms are also exported one by one, in the order
 * `parsePurgeCommandWith` takes them, because a zod/mini union does not expose its options.
 */
const purgeId = z.optional(z.string().check(z.minLength(8), z.maxLength(128)));
const tenant = z.string().check(z.minLength(1));
const mutation = z.object({ op: z.string().check(z.minLength(1)), variables: z._default(z.record(z.string(), z.unknown()), {}) });
const opId = z.string().check(z.minLength(1));
const varsHash = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const PURGE_FORMS = [
  z.strictObject({ purgeId, tenant, mutation }),
  z.strictObject({ purgeId, tenant, opId, varsHash }),
  z.strictObject({ purgeId, tenant, opId }),
  z.strictObject({ purgeId, tenant, all: z.literal(true) }),
] as const;

// A dry run changes nothing, so it has no purgeId (there is no ledger entry to make idempotent).
const dryRun = z.literal(true);
export const DRY_RUN_FORMS = [
  z.strictObject({ tenant, mutation, dryRun }),
  z.strictObject({ tenant, opId, varsHash, dryRun }),
  z.strictObject({ tenant, opId, dryRun }),
  z.strictObject({ tenant, all: z.literal(true), dryRun }),
] as const;

export const PurgeRequestSchema = z.union(PURGE_FORMS);
export const PurgeDryRunRequestSchema = z.union(DRY_RUN_FORMS);
