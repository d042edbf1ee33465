import { describe, expect, it } from 'vitest';
import { generateDocument, PII_TYPES as PLANTED_TYPES } from '@conductor/example-origin/corpus';
import { scan } from './scan.ts';

// The example origin's corpus plants values with known offsets; the scanner knows nothing of its
// lists or formats beyond what it owns. Every planted value must come back as one finding of its type.
describe('PII scanner on the example corpus', () => {
  it.each(['acme', 'globex'])('finds every value planted in %s’s documents, with its type and exact span', (tenant) => {
    const seen = new Set<string>();
    let planted = 0;
    for (let i = 1; i <= 300; i++) {
      const doc = generateDocument(tenant, i);
      const findings = scan(doc.body);
      for (const p of doc.planted) {
        planted++;
        seen.add(p.type);
        const hit = findings.find((f) => f.start <= p.start && f.end >= p.end);
        expect(hit, `${doc.id}: ${p.type} ${p.value}`).toEqual({ type: p.type, start: p.start, end: p.end });
      }
      // And nothing else: the corpus's plain sentences (places, tenants, day counts) are no findings.
      expect(findings.map((f) => doc.body.slice(f.start, f.end))).toEqual(doc.planted.map((p) => p.value));
    }
    expect(planted).toBeGreaterThan(500);
    expect([...seen].sort()).toEqual([...PLANTED_TYPES].sort());
  });
});
