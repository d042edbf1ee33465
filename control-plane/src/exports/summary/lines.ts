import { emptyPiiReport, recordSentence, redact as redactText, scan as defaultScan, type PiiReport, type PiiType, type Scanner } from '../pii/index.ts';
import { summarise, type SourceDocument } from './summarise.ts';

/**
 * One JSONL line of an `extractive-summary` export: a summary sentence and where it came from.
 * `start`/`end` are the sentence's offsets in the source body. Unredacted, `text` is exactly
 * `body.slice(start, end)`. Redacted, it is not, so the line says so (`redacted: true`) and lists
 * what was replaced, by type and source offsets, so the text can still be re-derived from the
 * source (see `expectedText`).
 */
export interface ExportLine {
  docId: string;
  start: number;
  end: number;
  text: string;
  redacted?: true;
  redactions?: Redaction[];
}

export interface Redaction {
  type: PiiType;
  /** Offsets in the source body, inside the line's [start, end). */
  start: number;
  end: number;
}

export interface BuildLinesOptions {
  /** Redact findings by type; otherwise a sentence with any finding is dropped. */
  redact: boolean;
  scanner?: Scanner;
  maxSentences?: number;
}

/**
 * A document's lines: its summary sentences, each scanned for PII, then kept, dropped or redacted.
 * The report counts this document's findings; a build adds the documents' reports up.
 */
export function buildLines(doc: SourceDocument, options: BuildLinesOptions): { lines: ExportLine[]; report: PiiReport } {
  const scan = options.scanner ?? defaultScan;
  const report = emptyPiiReport();
  const lines: ExportLine[] = [];
  for (const sentence of summarise(doc, { maxSentences: options.maxSentences })) {
    const findings = scan(sentence.text);
    recordSentence(report, findings, options.redact ? 'redacted' : 'dropped');
    if (findings.length === 0) {
      lines.push({ docId: sentence.docId, start: sentence.start, end: sentence.end, text: sentence.text });
    } else if (options.redact) {
      lines.push({
        docId: sentence.docId,
        start: sentence.start,
        end: sentence.end,
        text: redactText(sentence.text, findings),
        redacted: true,
        redactions: findings.map((f) => ({ type: f.type, start: sentence.start + f.start, end: sentence.start + f.end })),
      });
    }
  }
  return { lines, report };
}

/** What a line's text must be, given its source body: the provenance check a verifier runs. */
export function expectedText(body: string, line: ExportLine): string {
  const findings = (line.redactions ?? []).map((r) => ({ type: r.type, start: r.start - line.start, end: r.end - line.start }));
  return redactText(body.slice(line.start, line.end), findings);
}
