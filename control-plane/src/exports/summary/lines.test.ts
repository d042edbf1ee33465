import { describe, expect, it } from 'vitest';
import { generateDocument, PII_TYPES as PLANTED_TYPES } from '@conductor/example-origin/corpus';
import { scan } from '../pii/index.ts';
import { mergePiiReports, totalFindings, type PiiReport } from '../pii/report.ts';
import { buildLines, expectedText, type ExportLine } from './lines.ts';

const small = {
  id: 'doc-7',
  body: 'The acme desk reviewed the wire transfer. Maria Lopez sent it from 10.0.0.1 to DE89 3704 0044 0532 0130 00. The acme desk closed the wire transfer.',
};

describe('export lines', () => {
  it('drops a sentence with a finding and keeps the rest verbatim', () => {
    const { lines, report } = buildLines(small, { redact: false });
    expect(lines).toEqual([
      { docId: 'doc-7', start: 0, end: 41, text: 'The acme desk reviewed the wire transfer.' },
      { docId: 'doc-7', start: 108, end: 147, text: 'The acme desk closed the wire transfer.' },
    ]);
    expect(report.sentences).toEqual({ scanned: 3, clean: 2, dropped: 1, redacted: 0 });
    expect(report.findings.name).toEqual({ dropped: 1, redacted: 0 });
    expect(report.findings.ipv4).toEqual({ dropped: 1, redacted: 0 });
    expect(report.findings.iban).toEqual({ dropped: 1, redacted: 0 });
  });

  it('redacts by type, marks the line, and records what it replaced in source offsets', () => {
    const { lines, report } = buildLines(small, { redact: true });
    expect(lines[1]).toEqual({
      docId: 'doc-7',
      start: 42,
      end: 107,
      text: '[NAME] sent it from [IPV4] to [IBAN].',
      redacted: true,
      redactions: [
        { type: 'name', start: 42, end: 53 },
        { type: 'ipv4', start: 67, end: 75 },
        { type: 'iban', start: 79, end: 106 },
      ],
    });
    for (const r of lines[1]!.redactions!) expect(small.body.slice(r.start, r.end)).toMatch(/^(Maria Lopez|10\.0\.0\.1|DE89 3704 0044 0532 0130 00)$/);
    expect(lines.map((l) => expectedText(small.body, l))).toEqual(lines.map((l) => l.text));
    expect(report.sentences).toEqual({ scanned: 3, clean: 2, dropped: 0, redacted: 1 });
  });
});

describe('no planted value reaches an export line', () => {
  // Every sentence goes through the pipeline (a summary as long as the document), so each planted
  // value is tested, not only the few that TextRank happens to pick.
  const docs = ['acme', 'globex'].flatMap((tenant) => Array.from({ length: 150 }, (_, i) => generateDocument(tenant, i + 1)));

  it.each([false, true])('redact: %s', (redact) => {
    const reports: PiiReport[] = [];
    let lineCount = 0;
    for (const doc of docs) {
      const { lines, report } = buildLines(doc, { redact, maxSentences: 1_000 });
      reports.push(report);
      lineCount += lines.length;
      const serialised = lines.map((l) => JSON.stringify(l));
      for (const p of doc.planted) for (const line of serialised) expect(line, `${doc.id} leaks ${p.type} ${p.value}`).not.toContain(p.value);
      for (const line of lines) {
        // Provenance holds for every line, and a rescan of the final text finds nothing.
        expect(expectedText(doc.body, line)).toBe(line.text);
        if (!line.redacted) expect(doc.body.slice(line.start, line.end)).toBe(line.text);
        expect(scan(line.text)).toEqual([]);
      }
    }
    const total = mergePiiReports(...reports);
    const planted = docs.flatMap((d) => d.planted);
    // The scanner's findings are exactly the planted values, each counted under the chosen action.
    for (const type of PLANTED_TYPES) {
      const action = redact ? 'redacted' : 'dropped';
      expect(total.findings[type][action], type).toBe(planted.filter((p) => p.type === type).length);
    }
    expect(totalFindings(total)).toBe(planted.length);
    expect(lineCount).toBe(redact ? total.sentences.scanned : total.sentences.clean);
  });
});

describe('default summaries', () => {
  it('take three sentences per corpus document, each traceable to its source', () => {
    const doc = generateDocument('acme', 1);
    const { lines } = buildLines(doc, { redact: true });
    expect(lines).toHaveLength(3);
    for (const line of lines as ExportLine[]) expect(expectedText(doc.body, line)).toBe(line.text);
  });
});
