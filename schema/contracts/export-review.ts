import { z } from 'zod';
import { ExportSummarySchema, ManifestProofsSchema, ManifestSourceSchema } from './exports.ts';

/*
 * What a reviewer reads beside an export's summary: its signed proofs and PII report, a sample of
 * its lines with their provenance, and its audit history (GET /v1/exports/{id}/detail, /sample,
 * /history). The admin review queue (/admin/exports) is a view over these; docs/adr/0020 says
 * who may read each.
 */

/** Findings of one PII type, by what happened to the sentences that held them. */
const PiiActionCountsSchema = z.object({ dropped: z.number().int().min(0), redacted: z.number().int().min(0) });

/** The build's PII report (control-plane/src/exports/pii/report.ts): findings by type and action, sentences by outcome. */
export const PiiReportSchema = z.object({
  findings: z.record(z.string(), PiiActionCountsSchema),
  sentences: z.object({ scanned: z.number().int().min(0), clean: z.number().int().min(0), dropped: z.number().int().min(0), redacted: z.number().int().min(0) }),
});
export type PiiReport = z.infer<typeof PiiReportSchema>;

/** GET /v1/exports/{id}/detail. Proofs, source and report are null until the export is published. */
export const ExportDetailSchema = z.object({
  summary: ExportSummarySchema,
  /** The manifest's proofs: `pii` is the scan of the final chunks, never the requester's claim. */
  proofs: ManifestProofsSchema.nullable(),
  source: ManifestSourceSchema.nullable(),
  /** What the build dropped and redacted on the way. */
  piiReport: PiiReportSchema.nullable(),
  /** Why a build failed for good. */
  failure: z.string().nullable(),
});
export type ExportDetail = z.infer<typeof ExportDetailSchema>;

/** One JSONL line of an extractive-summary export (control-plane/src/exports/summary/lines.ts). */
export const ExportSampleLineSchema = z.object({
  docId: z.string(),
  /** Character offsets into the source document: unredacted, `source.slice(start, end)` is `text`. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  text: z.string(),
  redacted: z.literal(true).optional(),
  redactions: z.array(z.object({ type: z.string(), start: z.number().int().min(0), end: z.number().int().min(0) })).optional(),
});
export type ExportSampleLine = z.infer<typeof ExportSampleLineSchema>;

/** GET /v1/exports/{id}/sample?n=: the export's first whole lines, each chunk read checked against the manifest. */
export const ExportSampleSchema = z.object({
  lines: z.array(ExportSampleLineSchema),
  /** The export has more lines than these. */
  more: z.boolean(),
});
export type ExportSample = z.infer<typeof ExportSampleSchema>;

export const ExportHistoryEntrySchema = z.object({ at: z.iso.datetime(), actor: z.string(), action: z.string(), payload: z.unknown() });
export type ExportHistoryEntry = z.infer<typeof ExportHistoryEntrySchema>;

/** GET /v1/exports/{id}/history: the audit entries whose target is the export, oldest first. */
export const ExportHistorySchema = z.object({ entries: z.array(ExportHistoryEntrySchema) });
export type ExportHistory = z.infer<typeof ExportHistorySchema>;
