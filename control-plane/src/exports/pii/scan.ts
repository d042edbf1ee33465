import type { CountryCode } from 'libphonenumber-js/max';
import { findCards } from './card.ts';
import { findEmails } from './email.ts';
import { PII_TYPES, type Finding } from './finding.ts';
import { findIbans } from './iban.ts';
import { findIpv4s } from './ipv4.ts';
import { createNameFinder, type NameLists } from './names.ts';
import { DEFAULT_PHONE_REGIONS, findPhones } from './phone.ts';
import { findSsns } from './ssn.ts';

export interface ScanOptions extends NameLists {
  /** Countries whose national phone formats are read (default US, GB, DE, FR, IN). */
  phoneRegions?: readonly CountryCode[];
}

export type Scanner = (text: string) => Finding[];

/**
 * One scanner for a configuration. Findings come back sorted and disjoint: spans that overlap
 * (a card number inside a run a phone parser also liked, a name inside an e-mail's local part)
 * are merged into one span, typed by its longest member (ties: the order of PII_TYPES), so
 * redacting the findings removes every character any detector flagged.
 */
export function createScanner(options: ScanOptions = {}): Scanner {
  const findNames = createNameFinder(options);
  const regions = options.phoneRegions ?? DEFAULT_PHONE_REGIONS;
  return (text) => mergeFindings([...findCards(text), ...findIbans(text), ...findSsns(text), ...findEmails(text), ...findIpv4s(text), ...findPhones(text, regions), ...findNames(text)]);
}

/** The default scanner (the name lists of name-list.ts, the phone regions of phone.ts). */
export const scan: Scanner = createScanner();

/** Sorted, disjoint spans: overlapping findings become one, typed by the longest (exported for its vectors). */
export function mergeFindings(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  let winnerLength = 0;
  for (const f of findings) {
    const last = out.at(-1);
    if (!last || f.start >= last.end) {
      out.push({ ...f });
      winnerLength = f.end - f.start;
      continue;
    }
    const length = f.end - f.start;
    if (length > winnerLength || (length === winnerLength && PII_TYPES.indexOf(f.type) < PII_TYPES.indexOf(last.type))) {
      last.type = f.type;
      winnerLength = length;
    }
    last.end = Math.max(last.end, f.end);
  }
  return out;
}
