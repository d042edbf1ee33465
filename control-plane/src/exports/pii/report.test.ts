import { describe, expect, it } from 'vitest';
import { emptyPiiReport, mergePiiReports, recordSentence, totalFindings } from './report.ts';

describe('PII report', () => {
  it('counts findings by type and action, and sentences by outcome', () => {
    const report = emptyPiiReport();
    recordSentence(report, [], 'dropped');
    recordSentence(report, [{ type: 'email', start: 0, end: 5 }, { type: 'phone', start: 9, end: 20 }], 'dropped');
    recordSentence(report, [{ type: 'email', start: 3, end: 9 }], 'redacted');
    expect(report.sentences).toEqual({ scanned: 3, clean: 1, dropped: 1, redacted: 1 });
    expect(report.findings.email).toEqual({ dropped: 1, redacted: 1 });
    expect(report.findings.phone).toEqual({ dropped: 1, redacted: 0 });
    expect(report.findings.card).toEqual({ dropped: 0, redacted: 0 });
    expect(totalFindings(report)).toBe(3);
  });

  it('adds up the reports of separately built parts, through JSON', () => {
    const a = emptyPiiReport();
    recordSentence(a, [{ type: 'iban', start: 0, end: 22 }], 'redacted');
    const b = emptyPiiReport();
    recordSentence(b, [{ type: 'iban', start: 0, end: 22 }, { type: 'name', start: 30, end: 41 }], 'redacted');
    recordSentence(b, [], 'redacted');
    const merged = mergePiiReports(JSON.parse(JSON.stringify(a)), b);
    expect(merged.findings.iban).toEqual({ dropped: 0, redacted: 2 });
    expect(merged.findings.name).toEqual({ dropped: 0, redacted: 1 });
    expect(merged.sentences).toEqual({ scanned: 3, clean: 1, dropped: 0, redacted: 2 });
    expect(mergePiiReports()).toEqual(emptyPiiReport());
  });
});
