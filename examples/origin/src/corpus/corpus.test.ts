import { isValidIBAN } from 'ibantools';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS_PER_TENANT, generateDocument, PLANT_RATES } from './generate.ts';
import { PERSON_NAMES } from './names.ts';
import { decodeCursor, documentsPage, encodeCursor, InvalidPageError } from './page.ts';
import { luhnCheckDigit, PII_TYPES, type PiiType } from './pii.ts';

const SAMPLE = 1_500;
const sample = (tenant: string) => Array.from({ length: SAMPLE }, (_, i) => generateDocument(tenant, i + 1));
const acme = sample('acme');

// Plain Luhn validation (ISO/IEC 7812-1), written out here so the test does not trust the generator's helper.
function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

describe('corpus generator', () => {
  it('is deterministic: the same seed, tenant and index give the same document', () => {
    expect(generateDocument('acme', 42)).toEqual(generateDocument('acme', 42));
    expect(generateDocument('acme', 42, 7)).toEqual(generateDocument('acme', 42, 7));
    expect(generateDocument('acme', 42, 7).body).not.toBe(generateDocument('acme', 42).body);
    expect(generateDocument('globex', 42).body).not.toBe(generateDocument('acme', 42).body);
  });

  it('writes documents of several paragraphs that name their tenant and no other', () => {
    for (const doc of acme) {
      expect(doc.body.startsWith('This acme case file concerns a ')).toBe(true);
      expect(doc.body.split('\n\n').length).toBeGreaterThanOrEqual(3);
      expect(doc.title).toContain('acme');
      expect(doc.body).toContain('acme');
      expect(doc.body).not.toContain('globex');
    }
    for (const doc of sample('globex').slice(0, 200)) expect(doc.body).toContain('globex');
  });

  it('records every planted value at its exact offsets in the body', () => {
    for (const doc of acme) for (const p of doc.planted) expect(doc.body.slice(p.start, p.end)).toBe(p.value);
  });

  it('plants each type at its stated per-sentence rate (within five binomial standard deviations)', () => {
    const sentences = acme.reduce((n, d) => n + d.plantSlots, 0);
    const counts = Object.fromEntries(PII_TYPES.map((t) => [t, 0])) as Record<PiiType, number>;
    for (const doc of acme) for (const p of doc.planted) counts[p.type]++;
    for (const type of PII_TYPES) {
      const p = PLANT_RATES[type];
      const sd = Math.sqrt(sentences * p * (1 - p));
      expect(Math.abs(counts[type] - sentences * p), `${type}: ${counts[type]} of ${sentences}`).toBeLessThan(5 * sd);
    }
  });

  it('plants values that pass the checks a real scanner applies', () => {
    const all = acme.flatMap((d) => d.planted);
    for (const { type, value } of all) {
      if (type === 'card') {
        const digits = value.replace(/[ -]/g, '');
        expect(digits).toMatch(/^(4\d{15}|5[1-5]\d{14}|37\d{13}|6011\d{12})$/);
        expect(luhnValid(digits), value).toBe(true);
      }
      if (type === 'iban') expect(isValidIBAN(value.replace(/ /g, '')), value).toBe(true);
      if (type === 'ssn') {
        const [area, group, serial] = value.split('-') as [string, string, string];
        expect(area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000', value).toBe(false);
      }
      if (type === 'ipv4') for (const octet of value.split('.')) expect(Number(octet)).toBeLessThanOrEqual(255);
      if (type === 'name') expect(PERSON_NAMES).toContain(value);
      if (type === 'email') expect(value).toMatch(/^[a-z0-9._]+@(mail\.)?example\.(com|org|net)$/);
    }
    // Phones in all five countries' formats, IBANs of several countries.
    const phones = all.filter((p) => p.type === 'phone').map((p) => p.value);
    for (const prefix of ['(', '+1 ', '020 ', '+44 ', '+49 ', '0151 ', '01 ', '+33 ', '+91 ']) expect(phones.some((v) => v.startsWith(prefix)), prefix).toBe(true);
    const ibanCountries = new Set(all.filter((p) => p.type === 'iban').map((p) => p.value.slice(0, 2)));
    expect([...ibanCountries].sort()).toEqual(['AT', 'CH', 'DE', 'GB', 'IE']);
  });

  it('computes Luhn check digits that match published card numbers', () => {
    // Test numbers the card networks publish for integration testing.
    expect(luhnCheckDigit('411111111111111')).toBe(1); // Visa 4111 1111 1111 1111
    expect(luhnCheckDigit('37828224631000')).toBe(5); // Amex 3782 822463 10005
    expect(luhnCheckDigit('555555555555444')).toBe(4); // Mastercard 5555 5555 5555 4444
  });
});

describe('documents paging', () => {
  it('walks every document once, in order, and stops', () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = documentsPage('acme', { after, first: 200 }, { total: 450 });
      ids.push(...page.nodes.map((d) => d.id));
      after = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) break;
    }
    expect(ids).toEqual(Array.from({ length: 450 }, (_, i) => `doc-${String(i + 1).padStart(5, '0')}`));
  });

  it('serves the generator’s documents', () => {
    const page = documentsPage('acme', { first: 3 });
    expect(page.totalCount).toBe(DOCUMENTS_PER_TENANT);
    expect(page.nodes[2]).toEqual({ id: 'doc-00003', title: acme[2]!.title, body: acme[2]!.body, updatedAt: acme[2]!.updatedAt });
    expect(decodeCursor(page.pageInfo.endCursor!)).toBe(3);
  });

  it('refuses a cursor it did not issue and an out-of-range page size', () => {
    expect(() => documentsPage('acme', { after: 'bm9wZQ' })).toThrow(InvalidPageError);
    expect(() => documentsPage('acme', { after: btoa('corpus-v0:3') })).toThrow(InvalidPageError);
    expect(() => documentsPage('acme', { first: 201 })).toThrow(InvalidPageError);
    expect(() => documentsPage('acme', { first: -1 })).toThrow(InvalidPageError);
    expect(decodeCursor(encodeCursor(2_999))).toBe(2_999);
  });
});
