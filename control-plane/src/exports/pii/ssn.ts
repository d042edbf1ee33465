import type { Finding } from './finding.ts';

// AAA-GG-SSSS with one separator kind throughout (hyphen or space).
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;

/**
 * US Social Security numbers in their printed shape, minus what the SSA never issues: area 000,
 * 666 or 900–999, group 00, serial 0000. Nine bare digits are left to the other detectors: as a
 * shape they are indistinguishable from any other identifier.
 */
export function findSsns(text: string): Finding[] {
  const found: Finding[] = [];
  for (const m of text.matchAll(SSN)) {
    const area = m[1]!;
    if (area === '000' || area === '666' || area.startsWith('9') || m[3] === '00' || m[4] === '0000') continue;
    found.push({ type: 'ssn', start: m.index, end: m.index + m[0].length });
  }
  return found;
}
