import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.ts';
import { redact } from './redact.ts';
import { createScanner, mergeFindings, scan } from './scan.ts';

/** The values found in `text`, as `type:value`. */
const found = (text: string, scanner = scan) => scanner(text).map((f) => `${f.type}:${text.slice(f.start, f.end)}`);

describe('PII scanner: planted values are found', () => {
  it.each([
    ['email', 'Write to maria.lopez@example.org about it.', 'maria.lopez@example.org'],
    ['email with plus and subdomain', 'cc j_smith+ops@mail.example.co.uk, please', 'j_smith+ops@mail.example.co.uk'],
    ['US national phone', 'Call (201) 555-0123 today.', '(201) 555-0123'],
    ['US international phone', 'Call +1 212-456-7890 today.', '+1 212-456-7890'],
    ['UK national phone', 'Ring 020 7946 0958 after six.', '020 7946 0958'],
    ['UK mobile, international', 'Text +44 7400 123456 now.', '+44 7400 123456'],
    ['DE landline, international', 'Berlin office +49 30 90182012 is open.', '+49 30 90182012'],
    ['DE mobile, national', 'Mobil 0151 2345 6789 bitte.', '0151 2345 6789'],
    ['FR landline, national', 'Appelez le 01 42 68 53 00 demain.', '01 42 68 53 00'],
    ['FR mobile, international', 'Portable +33 6 12 34 56 78 seulement.', '+33 6 12 34 56 78'],
    ['IN mobile', 'Reach him on +91 98765 43210 tonight.', '+91 98765 43210'],
    ['Visa with spaces', 'Card 4111 1111 1111 1111 was used.', '4111 1111 1111 1111'],
    ['Amex 4-6-5', 'Card 3782 822463 10005 was used.', '3782 822463 10005'],
    ['Mastercard without separators', 'Card 5555555555554444 was used.', '5555555555554444'],
    ['IBAN, DE printed', 'Pay DE89 3704 0044 0532 0130 00 by Friday.', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN, GB printed', 'Pay GB82 WEST 1234 5698 7654 32 by Friday.', 'GB82 WEST 1234 5698 7654 32'],
    ['IBAN, electronic, before a capitalised word', 'Pay DE89370400440532013000 NOW.', 'DE89370400440532013000'],
    ['IBAN, FR', 'Virement FR14 2004 1010 0505 0001 3M02 606 reçu.', 'FR14 2004 1010 0505 0001 3M02 606'],
    ['SSN', 'SSN 123-45-6789 on file.', '123-45-6789'],
    ['SSN with spaces', 'SSN 123 45 6789 on file.', '123 45 6789'],
    ['IPv4 at the end of a sentence', 'Seen from 192.168.1.20.', '192.168.1.20'],
    ['IPv4 with 255 octets', 'Mask 255.255.255.0 applied.', '255.255.255.0'],
    ['full name, given name known', 'Ingrid Bergström signed it.', 'Ingrid Bergström'],
    ['full name, surname known only', 'Report by Xiu Zhang today.', 'Xiu Zhang'],
    ['title and surname', 'Ask Dr. Okafor first.', 'Dr. Okafor'],
    ['given, middle and surname', 'Maria Grace Lopez called.', 'Maria Grace Lopez'],
    ['hyphenated given name', 'Min-jun Park left.', 'Min-jun Park'],
  ])('%s', (_label, text, value) => {
    const hits = scan(text);
    expect(hits.map((h) => text.slice(h.start, h.end))).toEqual([value]);
  });

  it('reports each finding with its type', () => {
    const text = 'Maria Lopez (maria@example.org, +44 20 7946 0958) paid with 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00, SSN 123-45-6789, IP 10.0.0.1.';
    expect(found(text)).toEqual([
      'name:Maria Lopez',
      'email:maria@example.org',
      'phone:+44 20 7946 0958',
      'card:4111 1111 1111 1111',
      'iban:DE89 3704 0044 0532 0130 00',
      'ssn:123-45-6789',
      'ipv4:10.0.0.1',
    ]);
  });
});

describe('PII scanner: near misses are not findings', () => {
  it.each([
    ['Luhn-invalid card', 'Card 4111 1111 1111 1112 was used.'],
    ['Luhn-valid digits with no network prefix', 'Ref 1234 5678 9012 3452 was used.'],
    ['IBAN with a wrong check', 'Pay DE88 3704 0044 0532 0130 00 by Friday.'],
    ['IBAN of no country', 'Pay XX89 3704 0044 0532 0130 00 by Friday.'],
    ['IBAN too short for its country', 'Pay DE89 3704 0044 0532 0130 by Friday.'],
    ['SSN area 999', 'SSN 999-99-9999 on file.'],
    ['SSN area 9xx', 'SSN 912-34-5678 on file.'],
    ['SSN area 000', 'SSN 000-12-3456 on file.'],
    ['SSN area 666', 'SSN 666-12-3456 on file.'],
    ['SSN group 00', 'SSN 123-00-4567 on file.'],
    ['SSN serial 0000', 'SSN 123-45-0000 on file.'],
    ['SSN with mixed separators', 'SSN 123-45 6789 on file.'],
    ['octet over 255', 'Seen from 256.1.1.1 yesterday.'],
    ['dotted version number', 'Upgraded to 1.2.3.4.5 yesterday.'],
    ['short digit run', 'Batch 1234567 shipped.'],
    ['long digit run', 'Tracking 12345678901234567890 shipped.'],
    ['date and decimal', 'On 2026-12-02 the ratio was 3.14159265.'],
    ['UK drama mobile range, not a number in service', 'Text +44 7700 900123 now.'],
    ['address without a domain', 'Mail root@localhost now.'],
    ['lone given name', 'Maria said so.'],
    ['lone surname', 'Lopez said so.'],
    ['function word before a surname', 'The Martin report is out.'],
    ['capitalised place names', 'Records from Rotterdam do not match Antwerp.'],
  ])('%s', (_label, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('PII scanner: configuration', () => {
  it('takes its name lists as configuration', () => {
    const scanner = createScanner({ givenNames: ['Zebulon'], surnames: [] });
    expect(found('Zebulon Quist and Maria Lopez met.', scanner)).toEqual(['name:Zebulon Quist']);
  });

  it('reads national phone formats only for the regions it is given', () => {
    const usOnly = createScanner({ phoneRegions: ['US'] });
    expect(found('Ring 020 7946 0958 or +44 20 7946 0958.', usOnly)).toEqual(['phone:+44 20 7946 0958']);
  });
});

describe('merging overlapping findings', () => {
  it('merges overlaps into one span typed by the longest member, ties by type order', () => {
    const f = (type: Finding['type'], start: number, end: number): Finding => ({ type, start, end });
    expect(mergeFindings([f('phone', 10, 25), f('card', 12, 40), f('name', 50, 60)])).toEqual([f('card', 10, 40), f('name', 50, 60)]);
    expect(mergeFindings([f('phone', 0, 9), f('ssn', 0, 9)])).toEqual([f('ssn', 0, 9)]);
    expect(mergeFindings([f('name', 5, 8), f('email', 0, 20)])).toEqual([f('email', 0, 20)]);
    expect(mergeFindings([f('ipv4', 0, 5), f('phone', 5, 9)])).toEqual([f('ipv4', 0, 5), f('phone', 5, 9)]);
  });
});

describe('redaction', () => {
  it('replaces each finding with its type token and leaves the rest byte for byte', () => {
    const text = 'Maria Lopez (maria@example.org, +44 20 7946 0958) paid with 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00, SSN 123-45-6789, IP 10.0.0.1.';
    expect(redact(text, scan(text))).toBe('[NAME] ([EMAIL], [PHONE]) paid with [CARD] from [IBAN], SSN [SSN], IP [IPV4].');
  });

  it('leaves text without findings unchanged, and finds nothing in its own output', () => {
    expect(redact('Nothing here.', [])).toBe('Nothing here.');
    const out = redact('Call (201) 555-0123 or Dr. Okafor.', scan('Call (201) 555-0123 or Dr. Okafor.'));
    expect(out).toBe('Call [PHONE] or [NAME].');
    expect(scan(out)).toEqual([]);
  });
});
