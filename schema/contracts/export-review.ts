import { z } from 'zod';
import { AuditEntrySchema } from './audit.ts';
import { ExportIdSchema, PiiFindingsSchema } from './exports.ts';

/*
 * What a reviewer reads beside an export's summary (GET /v1/exports/{id}): its PII report, a
 * sample of its lines with their provenance, and its audit history. The admin review queue
 * (/admin/exports) shows these; docs/adr/0020 says who may read each.
 */

/** Findings of one PII type, by what happened to the sentence that held them. */
const PiiActionCountsSchema = z.object({ dropped: z.number().int().min(0), redacted: z.number().int().min(0) });

/** The build's PII report (control-plane/src/exports/pii/report.ts): findings by type and action, sentences by outcome. */
export const PiiReportSchema = z.object({
  findings: z.record(z.string(), PiiActionCountsSchema),
  sentences: z.object({ scanned: z.number().int().min(0), clean: z.number().int().min(0), dropped: z.number().int().min(0), redacted: z.number().int().min(0) }),
});
export type PiiReport = z.infer<typeof PiiReportSchema>;

/** GET /v1/exports/{id}/pii. Both are null until the export is published. */
export const ExportPiiSchema = z.object({
  exportId: ExportIdSchema,
  /** The manifest's `proofs.pii`: the scan of the final chunks, never the requester's claim. */
  proof: z.union([z.literal('none'), PiiFindingsSchema]).nullable(),
  /** What the build dropped and redacted on the way. */
  report: PiiReportSchema.nullable(),
});
export type ExportPii = z.infer<typeof ExportPiiSchema>;

/** One JSONL line of an extractive-summary export, as the sample shows it. */
export const ExportSampleLineSchema = z.object({
  docId: z.string(),
  /** Character offsets into the source document: `source.slice(start, end)` is the sentence. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  text: z.string(),
  redacted: z.literal(true).optional(),
});
export type ExportSampleLine = z.infer<typeof ExportSampleLineSchema>;

export const EXPORT_SAMPLE_MAX_LINES = 100;

/** GET /v1/exports/{id}/sample?n=: the export's first whole lines, read from its first chunks. */
export const ExportSampleSchema = z.object({
  exportId: ExportIdSchema,
  lines: z.array(ExportSampleLineSchema),
  /** The export has more lines than these. */
  more: z.boolean(),
});
export type ExportSample = z.infer<typeof ExportSampleSchema>;

export const ExportSampleQuerySchema = z.object({ n: z.coerce.number().int().min(1).max(EXPORT_SAMPLE_MAX_LINES).default(10) });

/** GET /v1/exports/{id}/history: the audit entries whose target is the export, oldest first. */
export const ExportHistorySchema = z.object({ exportId: ExportIdSchema, entries: z.array(AuditEntrySchema) });
export type ExportHistory = z.infer<typeof ExportHistorySchema>;
