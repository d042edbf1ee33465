import { PII_TYPES, type Finding, type PiiType } from './finding.ts';

/** What happened to a sentence with findings: left out of the export, or kept with them redacted. */
export type PiiAction = 'dropped' | 'redacted';

/**
 * An export's PII report: findings counted by type and action, and sentences by outcome. Plain
 * JSON, so a resumable build can store it per chunk and add the parts up (mergePiiReports).
 */
export interface PiiReport {
  findings: Record<PiiType, Record<PiiAction, number>>;
  sentences: { scanned: number; clean: number; dropped: number; redacted: number };
}

export function emptyPiiReport(): PiiReport {
  return {
    findings: Object.fromEntries(PII_TYPES.map((t) => [t, { dropped: 0, redacted: 0 }])) as PiiReport['findings'],
    sentences: { scanned: 0, clean: 0, dropped: 0, redacted: 0 },
  };
}

/** Counts one scanned sentence into `report` (mutates it): clean when it had no findings. */
export function recordSentence(report: PiiReport, findings: readonly Finding[], action: PiiAction): void {
  report.sentences.scanned++;
  if (findings.length === 0) {
    report.sentences.clean++;
    return;
  }
  report.sentences[action]++;
  for (const f of findings) report.findings[f.type][action]++;
}

export function mergePiiReports(...reports: readonly PiiReport[]): PiiReport {
  const out = emptyPiiReport();
  for (const r of reports) {
    for (const type of PII_TYPES) {
      out.findings[type].dropped += r.findings[type].dropped;
      out.findings[type].redacted += r.findings[type].redacted;
    }
    out.sentences.scanned += r.sentences.scanned;
    out.sentences.clean += r.sentences.clean;
    out.sentences.dropped += r.sentences.dropped;
    out.sentences.redacted += r.sentences.redacted;
  }
  return out;
}

export function totalFindings(report: PiiReport): number {
  return PII_TYPES.reduce((n, t) => n + report.findings[t].dropped + report.findings[t].redacted, 0);
}
