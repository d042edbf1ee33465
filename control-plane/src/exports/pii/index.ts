export { PII_TYPES, REDACTION_TOKENS } from './finding.ts';
export type { Finding, PiiType } from './finding.ts';
export { createScanner, scan } from './scan.ts';
export type { ScanOptions, Scanner } from './scan.ts';
export { redact } from './redact.ts';
export { emptyPiiReport, mergePiiReports, recordSentence, totalFindings } from './report.ts';
export type { PiiAction, PiiReport } from './report.ts';
