import { z } from 'zod';

/** One row of the hash-chained audit log as GET /v1/audit returns it. */
export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  tenantId: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  payload: z.unknown(),
  prevHash: z.string(),
  rowHash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});

export const AuditVerificationSchema = z.union([
  z.object({ ok: z.literal(true), rows: z.number().int() }),
  z.object({ ok: z.literal(false), brokenAt: z.number().int(), reason: z.string() }),
]);
